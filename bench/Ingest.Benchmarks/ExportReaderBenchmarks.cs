using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ingest.Integrations.Aloware;

namespace Ingest.Benchmarks;

/// <summary>
/// Reading a busy month's Aloware export (100,000 lines, about 9 MB): the backfill's parse, against the floor of
/// reading the same bytes line by line. The reader yields line by line, so memory is the line, not the file.
/// </summary>
[MemoryDiagnoser]
public class ExportReaderBenchmarks
{
    private const int Lines = 100_000;
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private byte[] _export = [];

    [GlobalSetup]
    public void Setup()
    {
        var csv = new StringBuilder("Started At,Communication ID,Type,Direction,Disposition Status,User Name,User ID,Contact Number,Talk Time,Duration,Notes\n");
        var start = new DateTime(2026, 11, 1, 8, 0, 0);
        for (var i = 0; i < Lines; i++)
        {
            var at = start.AddSeconds(i * 25);
            var type = i % 3 == 0 ? "SMS" : "Call";
            csv.Append(CultureInfo.InvariantCulture, $"{at:yyyy-MM-dd HH:mm:ss},{90_000_000 + i},{type},{(i % 2 == 0 ? "Inbound" : "Outbound")},Completed,Agent {i % 40},{100 + i % 40},+1555555{i % 10_000:0000},0:{i % 60:00}:{i % 60:00},{i % 900},\"note, {i}\"\n");
        }

        _export = Encoding.UTF8.GetBytes(csv.ToString());
    }

    [Benchmark(Baseline = true)]
    public int LinesOnly()
    {
        using var reader = new StreamReader(new MemoryStream(_export));
        var count = 0;
        while (reader.ReadLine() is not null)
        {
            count++;
        }

        return count;
    }

    [Benchmark]
    public int ReadExport() => new AlowareExportReader(NewYork, countEmails: true).Read(new MemoryStream(_export)).Count(r => r.Kind == ExportRowKind.Countable);
}
