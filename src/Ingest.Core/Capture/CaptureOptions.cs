using Ingest.Core.Configuration;

namespace Ingest.Core.Capture;

/// <summary>Capture and redrive settings (section <c>Capture</c>).</summary>
public sealed class CaptureOptions
{
    public const string Section = "Capture";

    /// <summary>How long a captured delivery stays invisible before the redrive may pick it up (docs/contracts.md, "Local inspection routes": within 30 s on the local host).</summary>
    public TimeSpan RedriveDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a received delivery stays invisible while the redrive works on it.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts before a delivery goes to the poison queue (host.json's maxDequeueCount in Functions).</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How often the local host's redrive polls the queue.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the webhook keeps trying a slow or refusing capture store before it answers 503 (Aloware waits 110 s).</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many redrive loops the local host runs at once (the queue trigger's batchSize plays this part in Functions).</summary>
    public int RedriveConcurrency { get; set; } = 4;
}

internal sealed class CaptureRules : SettingsRules<CaptureOptions>
{
    protected override IEnumerable<string> Broken(CaptureOptions o)
    {
        if (o.RedriveDelay <= TimeSpan.Zero || o.VisibilityTimeout <= TimeSpan.Zero)
        {
            yield return "Capture__RedriveDelay and Capture__VisibilityTimeout must be positive.";
        }

        if (o.Deadline <= TimeSpan.Zero || o.Deadline > TimeSpan.FromSeconds(90))
        {
            yield return "Capture__Deadline must be positive and at most 00:01:30, inside Aloware's 110 s timeout.";
        }

        if (o.MaxDequeueCount < 1)
        {
            yield return "Capture__MaxDequeueCount must be at least 1.";
        }

        if (o.PollInterval <= TimeSpan.Zero)
        {
            yield return "Capture__PollInterval must be positive.";
        }

        if (o.RedriveConcurrency is < 1 or > 64)
        {
            yield return "Capture__RedriveConcurrency must be between 1 and 64.";
        }
    }
}
