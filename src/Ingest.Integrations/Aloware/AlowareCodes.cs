namespace Ingest.Integrations.Aloware;

/// <summary>Aloware's numeric codes (docs/contracts.md, "Aloware"), undocumented by Aloware and measured by others.</summary>
internal static class AlowareCodes
{
    public const long TypeCall = 1;
    public const long TypeSms = 2;
    public const long TypeEmail = 5;

    public const long DirectionInbound = 1;
    public const long DirectionOutbound = 2;

    public const long DispositionInProgress = 1;

    private static readonly string[] DispositionNames =
    [
        "unknown", "in-progress", "abandoned", "missed", "completed", "failed", "dead-end", "invalid",
        "placed", "appointment-scheduled", "appointment-completed", "appointment-canceled", "voicemail",
        "missed-voicemail", "appointment-missed",
    ];

    public static string DispositionName(long? code)
        => code is > 0 and < 15 ? DispositionNames[code.Value] : DispositionNames[0];

    /// <summary>Appointment states (9-11, 14) describe appointments, not how a call or text ended.</summary>
    public static bool IsAppointmentState(long code) => code is 9 or 10 or 11 or 14;

    /// <summary>Maps a textual disposition, already lower-cased with separators removed, to its code.</summary>
    public static long? DispositionFromText(ReadOnlySpan<byte> normalised) => normalised switch
    {
        _ when normalised.SequenceEqual("inprogress"u8) => 1,
        _ when normalised.SequenceEqual("abandoned"u8) => 2,
        _ when normalised.SequenceEqual("missed"u8) => 3,
        _ when normalised.SequenceEqual("completed"u8) => 4,
        _ when normalised.SequenceEqual("failed"u8) => 5,
        _ when normalised.SequenceEqual("deadend"u8) => 6,
        _ when normalised.SequenceEqual("invalid"u8) => 7,
        _ when normalised.SequenceEqual("placed"u8) => 8,
        _ when normalised.SequenceEqual("voicemail"u8) => 12,
        _ when normalised.SequenceEqual("missedvoicemail"u8) => 13,
        _ => null,
    };

    public static string DirectionName(long? code) => code switch
    {
        DirectionInbound => "Inbound",
        DirectionOutbound => "Outbound",
        _ => "Unknown",
    };
}
