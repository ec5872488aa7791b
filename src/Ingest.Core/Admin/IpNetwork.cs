using System.Net;
using System.Net.Sockets;

namespace Ingest.Core.Admin;

/// <summary>A CIDR block, such as 10.0.0.0/8 or 2001:db8::/32; a bare address is a block of one.</summary>
public sealed record IpNetwork(IPAddress Prefix, int Length)
{
    public static IReadOnlyList<IpNetwork> ParseList(string? cidrs)
        => (cidrs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();

    public static IpNetwork Parse(string cidr)
    {
        var parts = cidr.Split('/', 2);
        var address = IPAddress.Parse(parts[0]);
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var length = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : max;
        if (length < 0 || length > max)
        {
            throw new FormatException($"'{cidr}' has a prefix length outside 0..{max}.");
        }

        return new IpNetwork(address, length);
    }

    public static bool TryParseList(string? cidrs, out string? error)
    {
        try
        {
            _ = ParseList(cidrs);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != Prefix.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var p = Prefix.GetAddressBytes();
        var bits = Length;
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : 0xFF << (8 - bits) & 0xFF;
            if ((a[i] & mask) != (p[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
