using Azure.Core;
using Azure.Identity;

namespace Ingest.Integrations;

/// <summary>
/// The app's own identity, one credential for every Azure client (storage, telemetry, Power BI without a secret), so
/// they share one token cache. In Azure it is the user-assigned managed identity named by <c>AZURE_CLIENT_ID</c>
/// (the Bicep sets it); elsewhere the developer's sign-in, as <see cref="DefaultAzureCredential"/> finds it.
/// </summary>
public static class AppIdentity
{
    private static readonly Lazy<TokenCredential> Shared = new(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = Environment.GetEnvironmentVariable("AZURE_CLIENT_ID"),
    }));

    public static TokenCredential Credential => Shared.Value;
}
