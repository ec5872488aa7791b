using Ingest.Core.Adapters;
using Ingest.Core.Domain;

namespace Ingest.Integrations.HubSpot;

/// <summary>
/// HubSpot as a webhook source: nothing to check before the body, since HubSpot signs the body itself (v3, or the
/// legacy v1/v2 when allowed); its candidates are settled by its enricher, which reads the CRM, after capture.
/// </summary>
public sealed class HubSpotSource(HubSpotAdapter adapter, HubSpotSignature signature, HubSpotEnricher enricher) : IWebhookSource
{
    public string Name => HubSpotAdapter.SourceName;

    public string? CheckBeforeBody(WebhookRequestHead request) => null;

    public string? CheckAfterBody(WebhookRequestHead request, ReadOnlySpan<byte> body)
        => signature.Check(request.Method, new HubSpotSignatureHeaders(
            request.Header("X-HubSpot-Signature-v3"),
            request.Header("X-HubSpot-Request-Timestamp"),
            request.Header("X-HubSpot-Signature"),
            request.Header("X-HubSpot-Signature-Version")), body);

    public AdapterResult Classify(IngestEnvelope envelope) => adapter.Adapt(envelope);

    public IEventEnricher? Enricher => enricher;
}
