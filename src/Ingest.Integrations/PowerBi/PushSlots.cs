using System.Globalization;

namespace Ingest.Integrations.PowerBi;

/// <summary>A slot token names its slot, so a release needs no lookup: "{slot}:{unique}".</summary>
public static class PushSlots
{
    public static string Token(int slot) => string.Create(CultureInfo.InvariantCulture, $"{slot}:{Guid.NewGuid():N}");

    public static int SlotOf(string token) => int.Parse(token.AsSpan(0, token.IndexOf(':', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
}
