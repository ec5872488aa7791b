using System.Net;
using Ingest.Core.Admin;

namespace Ingest.Core.Tests.Admin;

public class IpNetworkTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.0/25", "192.168.1.127", true)]
    [InlineData("192.168.1.0/25", "192.168.1.128", false)]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "10.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.1.1", true)]
    public void ContainsWhatItsPrefixCovers(string cidr, string address, bool expected)
        => Assert.Equal(expected, IpNetwork.Parse(cidr).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    public void RefusesABadCidr(string cidr) => Assert.False(IpNetwork.TryParseList(cidr, out _));
}
