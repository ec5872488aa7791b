
namespace Ingest.PowerBiEmulator;

/// <summary>
/// <c>dotnet run --project src/Ingest.PowerBiEmulator -- --urls http://127.0.0.1:P</c>: the emulator on its own,
/// shared by any number of local hosts (as Power BI is by Functions instances), with the <c>/local</c> routes.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var app = EmulatorServer.CreateApp(new PushEmulator(), args, _ => { });
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in EmulatorServer.BoundAddresses(app))
            {
                Console.WriteLine($"Power BI push emulator listening on {address} (PowerBi__BaseUrl={address.TrimEnd('/')}/, PowerBi__Authentication=None)");
            }
        });
        app.Run();
    }
}
