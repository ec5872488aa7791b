namespace Ingest.PowerBiEmulator;

internal enum RouteSegment { Datasets, Tables, Table, Rows }

/// <summary>A parsed workspace-form path: <c>/v1.0/myorg/groups/{groupId}/datasets[/{id}/tables[/{table}[/rows]]]</c>.</summary>
internal readonly record struct EmulatorRoute(RouteSegment Segment, string GroupId, string? DatasetId, string? Table)
{
    public static EmulatorRoute? Parse(string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts.Length < 5 || parts[0] != "v1.0" || parts[1] != "myorg" || parts[2] != "groups" || parts[4] != "datasets")
        {
            return null;
        }

        var group = Uri.UnescapeDataString(parts[3]);
        return parts.Length switch
        {
            5 => new EmulatorRoute(RouteSegment.Datasets, group, null, null),
            7 when parts[6] == "tables" => new EmulatorRoute(RouteSegment.Tables, group, parts[5], null),
            8 when parts[6] == "tables" => new EmulatorRoute(RouteSegment.Table, group, parts[5], Uri.UnescapeDataString(parts[7])),
            9 when parts[6] == "tables" && parts[8] == "rows" => new EmulatorRoute(RouteSegment.Rows, group, parts[5], Uri.UnescapeDataString(parts[7])),
            _ => null,
        };
    }
}
