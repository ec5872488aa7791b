namespace Ingest.Integrations.Sinks;

/// <summary>One caller's rows, serialized, waiting in the writer for the batch that carries them; <see cref="Done"/> tells the caller how it went.</summary>
internal sealed record FactSubmission(byte[][] Rows, TaskCompletionSource Done, DateTimeOffset EnqueuedAt)
{
    public int Bytes { get; } = Rows.Sum(r => r.Length + 1);
}
