using Ingest.Core.Configuration;
using Ingest.Functions;
using Ingest.Functions.Configuration;
using Ingest.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
// In-memory state would lose the ledger and the captures on every restart and differ per instance: never by accident.
if (InMemoryStateGuard.Refusal(builder.Configuration) is { } refusal)
{
    throw new InvalidOperationException(refusal);
}

builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsApp(builder.Configuration);
builder.Services.AddAzureMonitor(builder.Configuration);

var host = builder.Build();
host.Services.ValidateSettings();
host.Run();
