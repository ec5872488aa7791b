using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Aloware;

public static class AlowareRegistration
{
    /// <summary>Aloware's REST API for the DimAgent sync: a typed client with the standard resilience handler.</summary>
    public static IServiceCollection AddAloware(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AlowareOptions, AlowareRules>(configuration, AlowareOptions.Section);
        services.AddHttpClient<AlowareUsersClient>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AlowareOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
        })
            .RemoveAllLoggers() // the token is in the query string
            .AddStandardResilienceHandler();
        services.AddSingleton<IAgentDirectory, AlowareAgentDirectory>();
        return services;
    }
}
