using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Core.Time;

namespace Ingest.Core.Pipeline;

/// <summary>Applies the business calendar and the shift rules to a countable event, giving its FactEvent row.</summary>
public sealed class FactMapper(BusinessCalendar calendar)
{
    public FactEventRow Map(CountableEvent e, IReadOnlyList<ShiftRule> shifts, DateTime ingestedAtUtc)
    {
        var local = calendar.ToLocal(e.OccurredAtUtc);
        var localDate = DateOnly.FromDateTime(local);
        return new FactEventRow
        {
            EventKey = Keys.EventKey(e.Source, e.Metric, e.CommunicationId),
            Source = e.Source,
            MetricID = e.Metric,
            MetricMonthKey = Keys.MetricMonthKey(e.Metric, Keys.MonthKey(localDate.Year, localDate.Month)),
            AgentID = e.AgentId,
            CommunicationID = e.CommunicationId,
            Direction = e.Direction,
            Disposition = e.Disposition,
            OccurredAtUtc = DateTime.SpecifyKind(e.OccurredAtUtc, DateTimeKind.Utc),
            DateKey = Keys.DateKey(localDate),
            ShiftID = ShiftResolver.Resolve(shifts, local),
            DurationSec = e.DurationSec,
            TalkTimeSec = e.TalkTimeSec,
            IngestedAtUtc = ingestedAtUtc,
        };
    }
}
