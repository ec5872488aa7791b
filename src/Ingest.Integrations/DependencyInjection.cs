using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations;

public static class DependencyInjection
{
    /// <summary>
    /// Power BI over REST. <paramref name="primaryHandler"/> lets the local host serve the client from its
    /// in-process emulator, so the same client code runs there as in production.
    /// </summary>
    public static IServiceCollection AddPowerBi(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, HttpMessageHandler>? primaryHandler = null)
    {
        services.AddSettings<PowerBiOptions>(configuration, PowerBiOptions.Section)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "PowerBi__BaseUrl must be an absolute URL.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkspaceId), "PowerBi__WorkspaceId must name the workspace (group) id.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatasetName), "PowerBi__DatasetName must not be empty.")
            .Validate(o => o.RetentionPolicy is "None" or "basicFIFO", "PowerBi__RetentionPolicy must be None or basicFIFO.");

        var client = services.AddHttpClient(PowerBiRestClient.HttpClientName, (sp, http) =>
        {
            var baseUrl = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PowerBiOptions>>().Value.BaseUrl;
            http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
        });
        if (primaryHandler is not null)
        {
            client.ConfigurePrimaryHttpMessageHandler(primaryHandler);
        }

        services.AddSingleton<PowerBiRestClient>();
        services.AddSingleton<DatasetBootstrap>();
        services.AddSingleton<IPushTables, PowerBiTables>();
        return services;
    }
}
