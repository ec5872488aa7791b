using Azure.Core;
using Azure.Identity;
using Ingest.Core.Configuration;
using Ingest.Core.Telemetry;
using Ingest.Core.Adapters;
using Ingest.Core.Adapters.HubSpot;
using Ingest.Integrations.HubSpot;
using Ingest.Core.Storage;
using Ingest.Core.Capture;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Backfill;
using Ingest.Integrations.Aloware;
using Ingest.Integrations.Capture;
using Ingest.Integrations.DynamoDb;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        services.AddIngestMetrics();
        services.AddSettings<PowerBiOptions>(configuration, PowerBiOptions.Section)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "PowerBi__BaseUrl must be an absolute URL.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkspaceId), "PowerBi__WorkspaceId must name the workspace (group) id.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatasetName), "PowerBi__DatasetName must not be empty.")
            .Validate(o => o.RetentionPolicy is "None" or "basicFIFO", "PowerBi__RetentionPolicy must be None or basicFIFO.")
            .Validate(o => o.Authentication is "Entra" or "None", "PowerBi__Authentication must be Entra or None (None only against the emulator).")
            .Validate(o => o.Authentication != "None" || primaryHandler is not null || IsLoopback(o.BaseUrl),
                "PowerBi__Authentication=None sends no token, so it is refused unless PowerBi__BaseUrl is a loopback address (the emulator) or the emulator is embedded.")
            .Validate(o => string.IsNullOrEmpty(o.ClientSecret) || !string.IsNullOrEmpty(o.TenantId) && !string.IsNullOrEmpty(o.ClientId),
                "PowerBi__ClientSecret needs PowerBi__TenantId and PowerBi__ClientId.")
            .Validate(o => o.Writer.Mode is "Coalescing" or "Direct", "PowerBi__Writer__Mode must be Coalescing or Direct.")
            .Validate(o => o.Writer.MaxRowsPerPost is >= 1 and <= 10_000, "PowerBi__Writer__MaxRowsPerPost must be between 1 and 10000.")
            .Validate(o => o.Writer.FlushWindow >= TimeSpan.Zero && o.Writer.MaxPendingPosts >= 1 && o.Writer.MaxPostsPerMinute >= 1
                && o.Writer.MaxPostsPerHourWhenLarge >= 1 && o.Writer.MaxRowsPerHour >= o.Writer.MaxRowsPerPost && o.Writer.MaxAttempts >= 1
                && o.Writer.MaxQueuedRows >= o.Writer.MaxRowsPerPost && o.Writer.BreakerFailures >= 1,
                "PowerBi__Writer__* limits must be positive, with MaxRowsPerHour and MaxQueuedRows at least MaxRowsPerPost.");

        var client = services.AddHttpClient(PowerBiRestClient.HttpClientName, (sp, http) =>
        {
            var baseUrl = sp.GetRequiredService<IOptions<PowerBiOptions>>().Value.BaseUrl;
            http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
            // Each request's own timeout starts once it has a pending-POST slot (RequestTimeoutHandler), not while it
            // waits for one; this outer bound only catches a body that stalls after its headers.
            http.Timeout = PendingPostGate.MaxWait + PowerBiRestClient.RequestTimeout + TimeSpan.FromSeconds(15);
        });
        if (primaryHandler is not null)
        {
            client.ConfigurePrimaryHttpMessageHandler(primaryHandler);
        }

        if (!string.Equals(configuration[$"{PowerBiOptions.Section}:{nameof(PowerBiOptions.Authentication)}"], "None", StringComparison.Ordinal))
        {
            services.AddSingleton(sp => CreateCredential(sp.GetRequiredService<IOptions<PowerBiOptions>>().Value));
            client.AddHttpMessageHandler(sp => new PowerBiAuthHandler(sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<PendingPostGate>();
        client.AddHttpMessageHandler(sp => new PendingPostHandler(sp.GetRequiredService<PendingPostGate>()));
        client.AddHttpMessageHandler(() => new RequestTimeoutHandler(PowerBiRestClient.RequestTimeout));

        services.AddSingleton<PowerBiRestClient>();
        services.AddSingleton<DatasetBootstrap>();
        services.AddSingleton<PushLimiter>();
        services.AddSingleton<IPushTables>(sp => new PowerBiTables(sp.GetRequiredService<PowerBiRestClient>(), sp.GetRequiredService<DatasetBootstrap>(), sp.GetRequiredService<PushLimiter>()));
        services.AddSingleton<CoalescingFactWriter>();
        var direct = string.Equals(configuration[$"{PowerBiOptions.Section}:Writer:Mode"], "Direct", StringComparison.Ordinal);
        services.AddSingleton<IFactSink>(sp => direct
            ? new Core.Pipeline.DirectFactSink(new PowerBiTables(sp.GetRequiredService<PowerBiRestClient>(), sp.GetRequiredService<DatasetBootstrap>(), limiter: null))
            : sp.GetRequiredService<CoalescingFactWriter>());
        if (!direct)
        {
            services.AddSingleton<IWriterStats>(sp => sp.GetRequiredService<CoalescingFactWriter>());
        }

        services.AddSingleton<IDependencyProbe, PowerBiProbe>();
        return services;
    }

    /// <summary>
    /// A service principal when tenant, client and secret are set; a managed identity named by <c>PowerBi__ClientId</c>
    /// when only the id is; otherwise the app's own identity.
    /// </summary>
    private static TokenCredential CreateCredential(PowerBiOptions options)
        => !string.IsNullOrEmpty(options.ClientSecret) ? new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret)
            : !string.IsNullOrEmpty(options.ClientId) ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ClientId })
            : AppIdentity.Credential;

    /// <summary>
    /// DynamoDB for the ledger and every stored record when <c>DynamoDb__Enabled</c> is true; otherwise the
    /// embedded in-memory stores stay. Call before the core registers its defaults, or after: these replace them.
    /// </summary>
    public static IServiceCollection AddDynamoDbState(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DynamoDbOptions>(configuration, DynamoDbOptions.Section)
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Region), "DynamoDb__Region must name the AWS region (e.g. us-east-1).")
            .Validate(o => !o.Enabled || string.IsNullOrWhiteSpace(o.ServiceUrl) || Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out _), "DynamoDb__ServiceUrl must be an absolute URL when set.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TableName), "DynamoDb__TableName must not be empty.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero && o.MaxErrorRetry >= 0, "DynamoDb__RequestTimeout must be positive and DynamoDb__MaxErrorRetry not negative.");

        if (!configuration.GetSection(DynamoDbOptions.Section).GetValue<bool>(nameof(DynamoDbOptions.Enabled)))
        {
            return services;
        }

        services.AddSingleton(sp => DynamoClientFactory.Create(sp.GetRequiredService<IOptions<DynamoDbOptions>>().Value));
        services.AddSingleton<DynamoDocuments>();
        services.AddSingleton<StateTableProvisioner>();
        services.AddHostedService(sp => sp.GetRequiredService<StateTableProvisioner>());
        services.AddSingleton<ILedger, DynamoLedger>();
        services.AddSingleton<IRosterStore, DynamoRosterStore>();
        services.AddSingleton<IShiftRuleStore, DynamoShiftRuleStore>();
        services.AddSingleton<IDimRegistry, DynamoDimRegistry>();
        services.AddSingleton<IQuarantineStore, DynamoQuarantineStore>();
        services.AddSingleton<IAdminVersionStore, DynamoAdminVersionStore>();
        services.AddSingleton<IAuditLog, DynamoAuditLog>();
        services.AddSingleton<INonceStore, DynamoNonceStore>();
        services.AddSingleton<ITableLockStore, DynamoTableLockStore>();
        services.AddSingleton<IPushBudget, DynamoPushBudget>();
        services.AddSingleton<IDesiredStateStore, DynamoDesiredStateStore>();
        services.AddSingleton<IDependencyProbe, DynamoProbe>();
        return services;
    }

    /// <summary>
    /// HubSpot's CRM API and the enricher that settles HubSpot candidates, when HubSpot is configured
    /// (<c>HUBSPOT_CLIENT_SECRET</c>): a typed client with the private-app token, the standard resilience
    /// handler (retries 429 after Retry-After, and 5xx) and, per attempt, this instance's request budget.
    /// </summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration configuration)
    {
        if (!SettingsBinding.Read<HubSpotOptions>(configuration, HubSpotOptions.Section).Configured)
        {
            return services;
        }

        services.AddSingleton(sp => new HubSpotRequestBudget(sp.GetRequiredService<IOptions<HubSpotOptions>>().Value.MaxRequestsPer10Seconds));
        var client = services.AddHttpClient<HubSpotClient>((sp, http) =>
        {
            var hubSpot = sp.GetRequiredService<IOptions<HubSpotOptions>>().Value;
            http.BaseAddress = new Uri(hubSpot.ApiBaseUrl.TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", hubSpot.AccessToken);
        });
        client.RemoveAllLoggers(); // per-request logs are noise beside the one summary line per delivery
        client.AddStandardResilienceHandler();
        client.AddHttpMessageHandler(sp => new HubSpotRateLimitHandler(sp.GetRequiredService<HubSpotRequestBudget>())); // inner: every attempt pays
        services.AddSingleton<IEventEnricher, HubSpotEnricher>();
        services.AddSingleton<IOwnerDirectory, HubSpotOwnerDirectory>();
        services.AddSingleton<HubSpotSearch>();
        services.AddSingleton<IHubSpotReconciler, HubSpotReconciler>();
        return services;
    }

    /// <summary>Aloware's REST API for the DimAgent sync: a typed client with the standard resilience handler.</summary>
    public static IServiceCollection AddAloware(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AlowareOptions>(configuration, AlowareOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.MemberIds) || o.MemberIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(id => long.TryParse(id, out var v) && v > 0),
                "Aloware__MemberIds must be comma-separated positive user ids.")
            .Validate(o => string.IsNullOrWhiteSpace(o.MembersUrlTemplate) || Uri.TryCreate(o.MembersUrlTemplate.Replace("{ringGroupId}", "0").Replace("{apiToken}", "t"), UriKind.Absolute, out _),
                "Aloware__MembersUrlTemplate must be an absolute URL.");
        services.AddHttpClient<AlowareUsersClient>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AlowareOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
        })
            .RemoveAllLoggers() // the token is in the query string
            .AddStandardResilienceHandler();
        services.AddSingleton<IAgentDirectory, AlowareAgentDirectory>();
        return services;
    }

    /// <summary>
    /// The capture queue on Azure Storage when <c>Capture__Backend</c> is <c>StorageQueue</c> (the Functions app's
    /// default, <paramref name="defaultBackend"/>); otherwise the embedded in-memory queue stays.
    /// </summary>
    public static IServiceCollection AddStorageCapture(this IServiceCollection services, IConfiguration configuration, string defaultBackend)
    {
        var backend = SettingsBinding.Read<StorageCaptureOptions>(configuration, CaptureOptions.Section).Backend is { Length: > 0 } chosen ? chosen : defaultBackend;
        services.AddSettings<StorageCaptureOptions>(configuration, CaptureOptions.Section)
            .Validate(_ => backend is "InMemory" or "StorageQueue", "Capture__Backend must be InMemory or StorageQueue.")
            .Validate(o => backend != "StorageQueue" || !string.IsNullOrWhiteSpace(o.Connection) || !string.IsNullOrWhiteSpace(o.AccountName),
                "AzureWebJobsStorage (or Capture__Connection) must be a storage connection string, or AzureWebJobsStorage__accountName the account reached with the managed identity.");
        if (backend != "StorageQueue")
        {
            return services;
        }

        services.AddSingleton<StorageQueueCaptureQueue>();
        services.AddSingleton<ICaptureQueue>(sp => sp.GetRequiredService<StorageQueueCaptureQueue>());
        services.AddSingleton<StorageRedrive>();
        services.AddHostedService<CaptureQueueProvisioner>();
        services.AddSingleton<IDependencyProbe, CaptureQueueProbe>();
        return services;
    }

    private static bool IsLoopback(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip)));
}
