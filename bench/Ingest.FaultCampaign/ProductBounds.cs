using System.Globalization;
using Ingest.Core.Capture;
using Ingest.Core.Pipeline;
using Ingest.Functions.Configuration;
using Ingest.Integrations.DynamoDb;

namespace Ingest.FaultCampaign;

/// <summary>
/// The product's own bounds, read from the settings the hosts are given and, for anything not given, from the options
/// classes' defaults: nothing here is a figure of the campaign's.
/// </summary>
public static class ProductBounds
{
    /// <summary>
    /// What an answer spends outside both deadlines: reading and authenticating the body before the capture deadline
    /// starts, writing the answer after the processing deadline ends, and the front door's hop, all on loopback.
    /// </summary>
    public static readonly TimeSpan OutsideTheDeadlines = TimeSpan.FromSeconds(5);

    public static string CaptureDeadlineSetting => $"{CaptureOptions.Section}__{nameof(CaptureOptions.Deadline)}";

    public static string ProcessingDeadlineSetting => $"{WebhookOptions.Section}__{nameof(WebhookOptions.ProcessingDeadline)}";

    /// <summary>The longest an Aloware delivery may wait for its answer: the capture deadline, then the processing deadline, then the slack.</summary>
    public static TimeSpan Answer(IReadOnlyDictionary<string, string> hostSettings)
        => Read(hostSettings, CaptureDeadlineSetting, new CaptureOptions().Deadline)
            + Read(hostSettings, ProcessingDeadlineSetting, new WebhookOptions().ProcessingDeadline)
            + OutsideTheDeadlines;

    /// <summary>
    /// How long after its POST a worker may still be completing a fact in the ledger: the complete's pauses, and each of its
    /// attempts up to the DynamoDB request timeout once per SDK try.
    /// </summary>
    public static TimeSpan Complete(IReadOnlyDictionary<string, string> hostSettings)
    {
        var defaults = new DynamoDbOptions();
        var timeout = Read(hostSettings, $"{DynamoDbOptions.Section}__{nameof(DynamoDbOptions.RequestTimeout)}", defaults.RequestTimeout);
        var tries = 1 + (hostSettings.TryGetValue($"{DynamoDbOptions.Section}__{nameof(DynamoDbOptions.MaxErrorRetry)}", out var retries)
            ? int.Parse(retries, CultureInfo.InvariantCulture)
            : defaults.MaxErrorRetry);
        var pauses = LedgerStep.CompleteRetryDelays.Aggregate(TimeSpan.Zero, (sum, pause) => sum + pause);
        return pauses + (LedgerStep.CompleteRetryDelays.Length + 1) * tries * timeout;
    }

    private static TimeSpan Read(IReadOnlyDictionary<string, string> settings, string name, TimeSpan fallback)
        => settings.TryGetValue(name, out var value) ? TimeSpan.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
