namespace Ingest.Integrations.PowerBi;

/// <summary>What a POST rows request tells <see cref="PushLimitHandler"/> beneath its caller: how many rows it carries, and when it is too late to send.</summary>
public static class PushRequest
{
    /// <summary>The rows in the body, taken from the push limits on every attempt; a request without it is not paced.</summary>
    public static readonly HttpRequestOptionsKey<int> Rows = new("ingest.powerbi.rows");

    /// <summary>
    /// True while the FactEvent writer holds the first attempt's POST slot (taken before the batch, so the batch holds
    /// every row that came meanwhile); the handler then takes only its rows, and every retry a slot of its own.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> PostSlotHeld = new("ingest.powerbi.post-slot-held");

    /// <summary>Past this moment the rows' ledger claims may have been taken over, so the POST must not go out.</summary>
    public static readonly HttpRequestOptionsKey<DateTimeOffset> SendBy = new("ingest.powerbi.send-by");
}
