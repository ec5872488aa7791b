using Ingest.Core.Configuration;
using Ingest.Functions;
using Ingest.LocalHost;
using Ingest.PowerBiEmulator;

var builder = WebApplication.CreateBuilder(args);
builder.AddLocalHost();

var app = builder.Build();
app.Services.ValidateSettings();
app.MapHttpFunctions(typeof(WebhookFunction).Assembly);
app.MapLocalRoutes();
app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
app.Run();

/// <summary>Visible to WebApplicationFactory in the end-to-end tests.</summary>
public partial class Program;
