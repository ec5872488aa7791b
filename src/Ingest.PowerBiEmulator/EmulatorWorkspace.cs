using System.Net;

namespace Ingest.PowerBiEmulator;

/// <summary>The emulator's datasets, and the lock every change to them takes.</summary>
internal sealed class EmulatorWorkspace
{
    public Lock Gate { get; } = new();

    public List<EmulatedDataset> Datasets { get; } = [];

    /// <summary>The dataset a route names; hold <see cref="Gate"/>.</summary>
    public EmulatedDataset? Find(EmulatorRoute route)
        => Datasets.FirstOrDefault(d => d.GroupId == route.GroupId && string.Equals(d.Id, route.DatasetId, StringComparison.OrdinalIgnoreCase));

    public static EmulatorResponse DatasetNotFound(EmulatorRoute route)
        => EmulatorResponse.Error(HttpStatusCode.NotFound, "ItemNotFound", $"Dataset {route.DatasetId} is not in workspace {route.GroupId}.");

    public static EmulatorResponse TableNotFound(EmulatorRoute route)
        => EmulatorResponse.Error(HttpStatusCode.NotFound, "ItemNotFound", $"Table '{route.Table}' is not in dataset {route.DatasetId}.");
}
