using System.Net;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Ingest.Integrations.Capture;
using Ingest.Testing;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>
/// The capture store refusing for a while (8 s) must not answer
/// 503 to a sender that never retries: the webhook keeps trying until Capture__Deadline.
/// </summary>
[Trait("Category", "Slow")]
public abstract partial class CaptureDeadlineTests(RealDependencies real, Xunit.Abstractions.ITestOutputHelper output, string sink) : IAsyncLifetime
{
    /// <summary>The host's warnings and errors, with their exception types, in the test's output.</summary>
    private sealed class OutputSink(Xunit.Abstractions.ITestOutputHelper output) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            if (logEvent.Level >= Serilog.Events.LogEventLevel.Warning)
            {
                output.WriteLine($"{logEvent.Timestamp:HH:mm:ss.fff} {logEvent.Level} {logEvent.RenderMessage()} {logEvent.Exception?.GetType().Name}: {logEvent.Exception?.Message} {logEvent.Exception?.InnerException?.GetType().Name}");
            }
        }
    }

    private SinkServer _powerBi = null!;
    private TcpProxy _queueProxy = null!;
    private string _proxiedConnection = null!;

    public async Task InitializeAsync()
    {
        _powerBi = await SinkServer.StartAsync(sink);
        var queueEndpoint = QueueEndpoint().Match(real.Azurite.ConnectionString);
        _queueProxy = new TcpProxy(new Uri(queueEndpoint.Groups["origin"].Value));
        _proxiedConnection = real.Azurite.ConnectionString.Replace(queueEndpoint.Groups["origin"].Value, _queueProxy.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);
        await new QueueClient(real.Azurite.ConnectionString, StorageCaptureOptions.QueueName).CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync()
    {
        await _queueProxy.DisposeAsync();
        await _powerBi.DisposeAsync();
    }

    [GeneratedRegex(@"QueueEndpoint=(?<origin>http://127\.0\.0\.1:\d+)/")]
    private static partial Regex QueueEndpoint();

    [Fact]
    public async Task AQueueRefusingForEightSecondsDelaysTheAnswerInsteadOfRefusingTheDelivery()
    {
        using var host = new LocalHostFactory(new(_powerBi.HostSettings())
        {
            ["Capture:Backend"] = "StorageQueue",
            ["Capture:Connection"] = _proxiedConnection,
            ["Capture:Deadline"] = "00:00:30",
        }, services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Serilog.Core.ILogEventSink>(services, new OutputSink(output)));
        await host.RowsAsync("FactEvent"); // started, queues created, before the store goes away
        _queueProxy.Cut();

        var started = DateTime.UtcNow;
        var delivering = host.DeliverAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));
        await Task.Delay(TimeSpan.FromSeconds(8));
        _queueProxy.Restore();
        using var response = await delivering;
        output.WriteLine($"answered {(int)response.StatusCode} after {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_powerBi.Emulator.Rows("FactEvent"));
    }
}

[Collection(RealDependenciesCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CaptureDeadlineOnPowerBiTests(RealDependencies real, Xunit.Abstractions.ITestOutputHelper output) : CaptureDeadlineTests(real, output, LocalHostFactory.PowerBi);

[Collection(RealDependenciesCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CaptureDeadlineOnEventhouseTests(RealDependencies real, Xunit.Abstractions.ITestOutputHelper output) : CaptureDeadlineTests(real, output, LocalHostFactory.Eventhouse);
