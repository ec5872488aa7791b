namespace Ingest.Core.Capture;

/// <summary>Capture and redrive settings (section <c>Capture</c>).</summary>
public sealed class CaptureOptions
{
    public const string Section = "Capture";

    /// <summary>How long a captured delivery stays invisible before the redrive may pick it up (DESIGN.md: within 30 s locally).</summary>
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
