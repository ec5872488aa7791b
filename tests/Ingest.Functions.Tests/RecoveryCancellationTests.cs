using Ingest.Functions.Admin;
using Microsoft.AspNetCore.Http;

namespace Ingest.Functions.Tests;

/// <summary>
/// Under the Functions host the trigger's token is the host's, not the request's: a recovery run still stops when its
/// caller leaves, because the request's abort is linked in (docs/operations.md, "Long runs").
/// </summary>
public sealed class RecoveryCancellationTests
{
    [Fact]
    public async Task TheRunsTokenFiresWhenTheCallerLeavesThoughTheHostsDoesNot()
    {
        using var caller = new CancellationTokenSource();
        var request = new DefaultHttpContext { RequestAborted = caller.Token }.Request;

        using var run = AdminEndpoint.UntilTheCallerLeaves(request, CancellationToken.None);
        Assert.False(run.Token.IsCancellationRequested);
        await caller.CancelAsync();

        Assert.True(run.Token.IsCancellationRequested);
    }
}
