using Ingest.Functions;

namespace Ingest.LocalHost.Tests;

public class FunctionRoutesTests
{
    [Fact]
    public void DiscoversEveryHttpFunctionWithItsDeployedRouteAndMethods()
    {
        var functions = FunctionRoutes.Discover(typeof(WebhookFunction).Assembly).ToDictionary(f => f.Name);

        Assert.Equal("api/webhook/{source}", functions["Webhook"].Route);
        Assert.Equal(["POST"], functions["Webhook"].Methods);
        Assert.Equal("api/health", functions["Health"].Route);
        Assert.Equal(["GET"], functions["Health"].Methods);
        Assert.Equal("api/admin/replay", functions["AdminReplay"].Route);
        Assert.DoesNotContain("Redrive", functions.Keys); // a queue trigger, not HTTP
    }
}
