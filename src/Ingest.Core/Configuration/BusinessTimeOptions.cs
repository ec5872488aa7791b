namespace Ingest.Core.Configuration;

/// <summary>The business time zone that dates and shifts are computed in (flat setting <c>BUSINESS_TIME_ZONE</c>).</summary>
public sealed class BusinessTimeOptions
{
    public const string FlatName = "BUSINESS_TIME_ZONE";

    /// <summary>An IANA time zone id, such as America/New_York.</summary>
    [FlatSetting(FlatName)]
    public string TimeZone { get; set; } = "UTC";
}

internal sealed class BusinessTimeRules : SettingsRules<BusinessTimeOptions>
{
    protected override IEnumerable<string> Broken(BusinessTimeOptions o)
    {
        if (!Time.BusinessCalendar.IsKnownZone(o.TimeZone))
        {
            yield return $"{BusinessTimeOptions.FlatName} must be an IANA time zone id known to this machine, such as America/New_York.";
        }
    }
}
