using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Domain;

namespace Ingest.Integrations.Aloware;

public enum ExportRowKind
{
    Countable,
    Ignored,
    Error,
}

/// <summary>One data line of an export: a communication to count, one that does not count, or a line at fault.</summary>
/// <param name="Line">The line number ops see in a spreadsheet: the header is line 1.</param>
public sealed record ExportRow(int Line, ExportRowKind Kind, string? Reason = null, ExportCommunication? Communication = null);

/// <summary>What a countable line says, with <c>Started At</c> already read in the export's time zone.</summary>
public sealed record ExportCommunication(
    long Id, MetricId Metric, long? UserId, string? UserName, string Direction, string Disposition, DateTime StartedAtUtc, long? DurationSec, long? TalkTimeSec);

/// <summary>The export misses a column it cannot do without; nothing was read.</summary>
public sealed class ExportFormatException(string column, string message) : AdminInputException("Not an Aloware export", column, message)
{
    public string Column => Field;
}

/// <summary>
/// Reads Aloware's CSV export (docs/contracts.md, "Backfill") line by line, without holding the file:
/// columns by header name in any order, the webhook's counting rules, and a reason for every line not counted.
/// Contact numbers and other columns are never read.
/// </summary>
public sealed class AlowareExportReader(TimeZoneInfo exportZone, bool countEmails)
{
    private static readonly string[] StartedAtFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "M/d/yyyy h:mm:ss tt", "M/d/yyyy h:mm tt", "M/d/yyyy H:mm"];

    private const string IdColumn = "Communication ID";
    private const string StartedAtColumn = "Started At";

    /// <exception cref="ExportFormatException">The header lacks <c>Communication ID</c> or <c>Started At</c>.</exception>
    public IEnumerable<ExportRow> Read(Stream csv)
    {
        using var text = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var badLines = new HashSet<int>();
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = bad => badLines.Add(bad.Context.Parser!.RawRow),
            DetectColumnCountChanges = false,
        };
        using var parser = new CsvParser(text, configuration);
        if (!parser.Read())
        {
            throw new ExportFormatException(IdColumn, "The file is empty: an Aloware export starts with a header line naming its columns.");
        }

        var columns = Columns.From(parser.Record!);
        while (parser.Read())
        {
            // The line ops see in an editor: a quoted field may span lines, so a record starts where its text starts.
            var line = parser.RawRow - parser.RawRecord.TrimEnd('\r', '\n').Count(c => c == '\n');
            if (badLines.Contains(parser.RawRow))
            {
                yield return new ExportRow(line, ExportRowKind.Error, "the line's quoting is malformed");
                continue;
            }

            var record = parser.Record!;
            if (record.All(string.IsNullOrWhiteSpace))
            {
                continue; // a blank line, as spreadsheets leave at the end
            }

            yield return ReadLine(line, field => columns.Value(record, field));
        }
    }

    private ExportRow ReadLine(int line, Func<Field, string> value)
    {
        if (!long.TryParse(value(Field.Id), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return Error(line, $"{IdColumn} '{value(Field.Id)}' is not a positive whole number");
        }

        var startedAt = value(Field.StartedAt);
        if (!DateTime.TryParseExact(startedAt, StartedAtFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return Error(line, $"{StartedAtColumn} '{startedAt}' is not a date and time such as 2026-11-03 14:05:09");
        }

        if (exportZone.IsInvalidTime(local))
        {
            return Error(line, $"{StartedAtColumn} '{startedAt}' does not exist in {exportZone.Id} (the clocks went forward)");
        }

        if (ToUtc(local) is not { } startedAtUtc)
        {
            return Error(line, $"{StartedAtColumn} '{startedAt}' is out of range");
        }

        var disposition = Normalise(value(Field.Disposition));
        var (metric, ignored) = Counted(Normalise(value(Field.Type)), disposition);
        if (metric is null)
        {
            return new ExportRow(line, ExportRowKind.Ignored, ignored);
        }

        long? userId = null;
        var userText = value(Field.UserId);
        if (userText.Length > 0)
        {
            if (!long.TryParse(userText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            {
                return Error(line, $"User ID '{userText}' is not a positive whole number");
            }

            userId = parsed;
        }

        var userName = value(Field.UserName);
        if (userId is null && userName.Length == 0)
        {
            return Error(line, "neither User ID nor User Name names the agent");
        }

        if (!TrySeconds(value(Field.Duration), out var duration) || !TrySeconds(value(Field.TalkTime), out var talkTime))
        {
            return Error(line, $"Duration '{value(Field.Duration)}' or Talk Time '{value(Field.TalkTime)}' is not seconds, h:mm:ss or mm:ss");
        }

        return new ExportRow(line, ExportRowKind.Countable, Communication: new ExportCommunication(
            id, metric.Value, userId, userId is null ? userName : null, DirectionName(Normalise(value(Field.Direction))),
            DispositionName(disposition), startedAtUtc, duration, talkTime));
    }

    private static readonly HashSet<string> AppointmentStates =
        ["appointmentscheduled", "appointmentcompleted", "appointmentcanceled", "appointmentmissed", "9", "10", "11", "14"];

    /// <summary>
    /// The webhook's rules: calls, texts and emails (unless HubSpot counts them) count once they ended; an appointment
    /// state describes an appointment, not how a call ended, so such a call does not count, as on the webhook.
    /// </summary>
    private (MetricId? Metric, string? Ignored) Counted(string type, string disposition)
    {
        var inProgress = disposition is "inprogress" or "1";
        return type switch
        {
            "call" or "1" when inProgress => (null, "a call still in progress"),
            "call" or "1" when AppointmentStates.Contains(disposition) => (null, "a call whose disposition is an appointment state"),
            "call" or "1" => (MetricId.CALLS, null),
            "sms" or "2" => inProgress ? (null, "a text still in progress") : (MetricId.TEXTS, null),
            "email" or "5" when !countEmails => (null, "an email: EMAILS are counted from HubSpot (Metrics__EmailsSource)"),
            "email" or "5" => inProgress ? (null, "an email still in progress") : (MetricId.EMAILS, null),
            "" => (null, "no Type"),
            _ => (null, $"type '{type}' is not counted"),
        };
    }

    /// <summary>A wall-clock time that occurs twice (the clocks went back) is the first, daylight, one; null past the calendar's ends.</summary>
    private DateTime? ToUtc(DateTime local)
    {
        var offset = exportZone.IsAmbiguousTime(local) ? exportZone.GetAmbiguousTimeOffsets(local).Max() : exportZone.GetUtcOffset(local);
        var ticks = local.Ticks - offset.Ticks;
        return ticks is >= 0 and <= 3155378975999999999 ? new DateTime(ticks, DateTimeKind.Utc) : null;
    }

    private static string DirectionName(string direction) => direction switch
    {
        "inbound" or "1" => AlowareCodes.DirectionName(AlowareCodes.DirectionInbound),
        "outbound" or "2" => AlowareCodes.DirectionName(AlowareCodes.DirectionOutbound),
        _ => AlowareCodes.DirectionName(null),
    };

    private static string DispositionName(string disposition)
        => long.TryParse(disposition, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? AlowareCodes.DispositionName(code)
            : AlowareCodes.DispositionName(AlowareCodes.DispositionFromText(Encoding.UTF8.GetBytes(disposition)));

    /// <summary>Seconds as a number, <c>h:mm:ss</c> or <c>mm:ss</c>; empty is unknown (null), not an error.</summary>
    internal static bool TrySeconds(string text, out long? seconds)
    {
        seconds = null;
        if (text.Length == 0)
        {
            return true;
        }

        long total = 0;
        var parts = text.Split(':');
        if (parts.Length > 3)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > int.MaxValue)
            {
                return false;
            }

            total = total * 60 + number;
        }

        seconds = total;
        return true;
    }

    /// <summary>Lower case without spaces, hyphens or underscores: "In Progress", "in_progress" and "in-progress" agree.</summary>
    private static string Normalise(string text)
        => string.Concat(text.Where(c => c is not (' ' or '_' or '-'))).ToLowerInvariant();

    private static ExportRow Error(int line, string reason) => new(line, ExportRowKind.Error, reason);

    private enum Field { Id, StartedAt, Type, Direction, Disposition, UserId, UserName, TalkTime, Duration }

    /// <summary>Where each known column is, matched on its header case-insensitively, ignoring spaces and underscores.</summary>
    private sealed class Columns
    {
        private static readonly Dictionary<string, Field> Known = new()
        {
            ["communicationid"] = Field.Id,
            ["startedat"] = Field.StartedAt,
            ["type"] = Field.Type,
            ["direction"] = Field.Direction,
            ["dispositionstatus"] = Field.Disposition,
            ["userid"] = Field.UserId,
            ["username"] = Field.UserName,
            ["talktime"] = Field.TalkTime,
            ["duration"] = Field.Duration,
        };

        private readonly Dictionary<Field, int> _index = [];

        public static Columns From(string[] header)
        {
            var columns = new Columns();
            for (var i = 0; i < header.Length; i++)
            {
                var name = string.Concat(header[i].Trim().Where(c => c is not (' ' or '_'))).ToLowerInvariant();
                if (Known.TryGetValue(name, out var field))
                {
                    columns._index.TryAdd(field, i);
                }
            }

            foreach (var (field, column) in new[] { (Field.Id, IdColumn), (Field.StartedAt, StartedAtColumn) })
            {
                if (!columns._index.ContainsKey(field))
                {
                    throw new ExportFormatException(column, $"The header has no '{column}' column; an Aloware export names its columns on line 1.");
                }
            }

            return columns;
        }

        public string Value(string[] record, Field field)
            => _index.TryGetValue(field, out var i) && i < record.Length ? record[i].Trim() : string.Empty;
    }
}
