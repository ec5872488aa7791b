using Ingest.PowerBiEmulator;

namespace Ingest.EventhouseEmulator;

/// <summary>
/// <c>dotnet run --project src/Ingest.EventhouseEmulator -- --urls http://127.0.0.1:P</c>: the emulator on its own,
/// shared by any number of local hosts, with the <c>/local</c> routes.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var app = EmulatorServer.CreateApp(new EmulatedEventhouse(), args, _ => { });
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in EmulatorServer.BoundAddresses(app))
            {
                Console.WriteLine($"Eventhouse emulator listening on {address} (Eventhouse__QueryUri={address.TrimEnd('/')}, Eventhouse__Authentication=None)");
            }
        });
        app.Run();
    }
}
