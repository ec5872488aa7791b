using Ingest.Core.Configuration;
using Ingest.Functions;
using Ingest.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddIngestApp(builder.Configuration);
builder.Services.AddAzureMonitor(builder.Configuration);

var host = builder.Build();
host.Services.ValidateSettings();
host.Run();
