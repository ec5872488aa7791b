using System.Text.Json;
using Ingest.Core.Domain;

namespace Ingest.Integrations.Sinks;

/// <summary>One caller's rows, serialized, waiting in the writer for the batch that carries them; <see cref="Done"/> tells the caller how it went.</summary>
internal sealed record FactSubmission(byte[][] Rows, TaskCompletionSource Done, DateTimeOffset EnqueuedAt)
{
    public int Bytes { get; } = Rows.Sum(r => r.Length + 1);

    /// <summary>A caller's rows in submissions that each fit one request, by rows and by bytes.</summary>
    public static FactSubmission[] Split(IReadOnlyList<FactEventRow> rows, BatchLimits limits, DateTimeOffset now)
    {
        var submissions = new List<FactSubmission>();
        var piece = new List<byte[]>();
        var bytes = 0;
        foreach (var line in rows.Select(r => JsonSerializer.SerializeToUtf8Bytes(r)))
        {
            if (piece.Count > 0 && (piece.Count == limits.MaxRowsPerBatch || bytes + line.Length + 1 > limits.MaxBytesPerBatch))
            {
                Cut();
            }

            piece.Add(line);
            bytes += line.Length + 1;
        }

        Cut();
        return [.. submissions];

        void Cut()
        {
            if (piece.Count > 0)
            {
                submissions.Add(new FactSubmission([.. piece], new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), now));
                (piece, bytes) = ([], 0);
            }
        }
    }
}
