namespace Ingest.Integrations.Aloware;

/// <summary>What an Aloware event name suggests. Names can lie, so the body's type and direction win.</summary>
internal enum EventKind
{
    Unknown,
    Initiation,
    Disposition,
    Recording,
    Transcription,
    Appointment,
}

internal readonly record struct EventNameHint(EventKind Kind, long? Type, long? Direction)
{
    public static EventNameHint From(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return default;
        }

        var kind = name switch
        {
            "OutboundPhoneCall" or "InboundPhoneCall" => EventKind.Initiation,
            "Call-Disposed" => EventKind.Disposition,
            "Recording-Saved" => EventKind.Recording,
            _ when name.StartsWith("transcription.", StringComparison.OrdinalIgnoreCase) => EventKind.Transcription,
            _ when name.Contains("Appointment", StringComparison.OrdinalIgnoreCase) => EventKind.Appointment,
            _ when name.Contains("-Disposition", StringComparison.OrdinalIgnoreCase) => EventKind.Disposition,
            _ => EventKind.Unknown,
        };

        long? type = name switch
        {
            _ when name.Contains("Call", StringComparison.OrdinalIgnoreCase) => AlowareCodes.TypeCall,
            _ when name.Contains("SMS", StringComparison.OrdinalIgnoreCase) => AlowareCodes.TypeSms,
            _ when name.Contains("Email", StringComparison.OrdinalIgnoreCase) => AlowareCodes.TypeEmail,
            _ => null,
        };

        long? direction = name switch
        {
            _ when name.StartsWith("Inbound", StringComparison.OrdinalIgnoreCase) => AlowareCodes.DirectionInbound,
            _ when name.StartsWith("Outbound", StringComparison.OrdinalIgnoreCase) => AlowareCodes.DirectionOutbound,
            _ => null,
        };

        return new EventNameHint(kind, type, direction);
    }
}
