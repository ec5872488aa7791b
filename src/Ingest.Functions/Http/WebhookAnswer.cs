using Ingest.Core.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Ingest.Functions.Http;

/// <summary>The webhook's answer, as docs/contracts.md, "Webhook", fixes it.</summary>
public sealed record WebhookAnswer(
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("facts")] int Facts,
    [property: System.Text.Json.Serialization.JsonPropertyName("duplicates")] int Duplicates,
    [property: System.Text.Json.Serialization.JsonPropertyName("gated")] int Gated,
    [property: System.Text.Json.Serialization.JsonPropertyName("ignored")] int Ignored)
{
    /// <summary>200 with the counts; 202 while the work goes on behind the answer (deferred, or accepted for enrichment).</summary>
    public static ObjectResult For(IngestOutcome outcome)
        => new(new WebhookAnswer(outcome.Status.ToString().ToLowerInvariant(), outcome.Facts, outcome.Duplicates, outcome.Gated, outcome.Ignored))
        {
            StatusCode = outcome.Status is IngestStatus.Deferred or IngestStatus.Accepted ? StatusCodes.Status202Accepted : StatusCodes.Status200OK,
        };
}
