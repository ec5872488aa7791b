namespace Ingest.Testing;

/// <summary>
/// Hostile variations of a valid body for fuzz tests: truncation, byte flips, deep nesting, huge numbers, lone
/// surrogates, NUL and invalid UTF-8, values of the wrong type, repeated slices.
/// </summary>
public static class BodyMutator
{
    private static readonly byte[][] Insertions =
    [
        "\\ud800"u8.ToArray(), "\\udfff\\ud800"u8.ToArray(), [0], [0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80],
        "99999999999999999999999999"u8.ToArray(), "1e309"u8.ToArray(), "-0.0000001"u8.ToArray(), "null"u8.ToArray(),
        "{}"u8.ToArray(), "[]"u8.ToArray(), "true"u8.ToArray(), "\"\""u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(),
    ];

    /// <summary>One to three mutations of <paramref name="body"/>, chosen by <paramref name="random"/> (seeded, so a failing case replays).</summary>
    public static byte[] Mutate(byte[] body, Random random)
    {
        var bytes = new List<byte>(body);
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 1: // flip a byte
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2: // nest deeply
                    var depth = 1 + random.Next(200);
                    bytes.InsertRange(at, Enumerable.Repeat((byte)(random.Next(2) == 0 ? '[' : '{'), depth));
                    break;
                case 3: // insert a hostile token
                    bytes.InsertRange(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 4: // replace a value with a value of another type
                    var colon = bytes.IndexOf((byte)':', at);
                    if (colon >= 0)
                    {
                        var end = bytes.FindIndex(colon + 1, b => b is (byte)',' or (byte)'}' or (byte)']');
                        if (end > colon)
                        {
                            bytes.RemoveRange(colon + 1, end - colon - 1);
                            bytes.InsertRange(colon + 1, Insertions[random.Next(Insertions.Length)]);
                        }
                    }

                    break;
                default: // duplicate a slice
                    var length = random.Next(Math.Min(64, bytes.Count - at) + 1);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }

        return [.. bytes];
    }
}
