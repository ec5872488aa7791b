using Azure.Core;

namespace Ingest.Integrations.PowerBi;

/// <summary>The Entra bearer token for the Power BI scope on every request.</summary>
public sealed class PowerBiAuthHandler(TokenCredential credential, TimeProvider clock)
    : BearerTokenHandler(credential, PowerBiOptions.Scope, "Power BI", clock);
