using Azure.Core;
using Ingest.Functions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using OpenTelemetry.Metrics;

namespace Ingest.Functions.Tests;

public sealed class TelemetrySetupTests
{
    private static ServiceProvider Build(string? connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [TelemetrySetup.ConnectionStringName] = connectionString }).Build();
        var services = new ServiceCollection().AddLogging();
        // A fixed token: the managed-identity endpoint must never be called from a test.
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(new AccessToken("test", DateTimeOffset.MaxValue));
        credential.Setup(c => c.GetToken(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>())).Returns(new AccessToken("test", DateTimeOffset.MaxValue));
        services.AddAzureMonitor(configuration, credential.Object);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void WithoutApplicationInsightsNothingIsExported()
    {
        using var services = Build(null);

        Assert.Null(services.GetService<MeterProvider>());
    }

    [Fact]
    public void WithApplicationInsightsTheProductsMetricsAreExported()
    {
        // A loopback ingestion endpoint: nothing leaves the machine even if the exporter flushes.
        using var services = Build("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/");

        Assert.NotNull(services.GetService<MeterProvider>());
    }
}
