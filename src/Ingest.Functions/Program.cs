using Ingest.Core.Configuration;
using Ingest.Functions;
using Ingest.Integrations.DynamoDb;
using Ingest.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
// In-memory state would lose the ledger on every restart and differ per instance: never by accident.
if (SettingsBinding.Read<DynamoDbOptions>(builder.Configuration, DynamoDbOptions.Section).RefusalForFunctionsApp() is { } refusal)
{
    throw new InvalidOperationException(refusal);
}

builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsApp(builder.Configuration);
builder.Services.AddAzureMonitor(builder.Configuration);

var host = builder.Build();
host.Services.ValidateSettings();
host.Run();
