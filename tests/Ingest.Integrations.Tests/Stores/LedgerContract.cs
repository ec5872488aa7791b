using Ingest.Core.Configuration;
using Ingest.Core.Storage;

namespace Ingest.Integrations.Tests.Stores;

/// <summary>docs/contracts.md, I4, for every ledger: claim when absent, expired or lapsed; complete and release only with the owner token.</summary>
public abstract class LedgerContract(Func<Task<IStoreBackend>> backend) : StoreContract(backend)
{
    private static readonly LedgerOptions Options = new() { LeaseDuration = TimeSpan.FromMinutes(10), Retention = TimeSpan.FromDays(35) };

    /// <summary>A new ledger over the backend's state (in memory, the state is the instance: keep one per test).</summary>
    private ILedger Ledger => Backend.Ledger(Options);

    [Fact]
    public async Task ClaimsAnAbsentKeyOnce()
    {
        var ledger = Ledger;
        var first = await ledger.ClaimAsync("aloware#CALLS#1", "agent=1", None);
        var second = await ledger.ClaimAsync("aloware#CALLS#1", "agent=2", None);

        Assert.Equal(ClaimStatus.Acquired, first.Status);
        Assert.Equal(ClaimStatus.InProgress, second.Status);
        Assert.Equal("agent=1", second.ExistingFingerprint);
    }

    [Fact]
    public async Task ACompletedKeyStaysCompletedUntilItsRetentionEnds()
    {
        var ledger = Ledger;
        var claim = await ledger.ClaimAsync("k", "f", None);
        Assert.True(await ledger.CompleteAsync("k", claim.OwnerToken!, None));

        Backend.Clock.Advance(TimeSpan.FromDays(34));
        Assert.Equal(ClaimStatus.AlreadyCompleted, (await ledger.ClaimAsync("k", "f", None)).Status);
        Backend.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(ClaimStatus.Acquired, (await ledger.ClaimAsync("k", "f", None)).Status);
    }

    [Fact]
    public async Task ALapsedLeaseIsTakenOverAndTheSlowOwnerCannotTouchIt()
    {
        var ledger = Ledger;
        var slow = await ledger.ClaimAsync("k", "f", None);
        Backend.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        var takeover = await ledger.ClaimAsync("k", "f", None);

        Assert.Equal(ClaimStatus.Acquired, takeover.Status);
        Assert.False(await ledger.CompleteAsync("k", slow.OwnerToken!, None));
        Assert.False(await ledger.ReleaseAsync("k", slow.OwnerToken!, None));
        Assert.Equal(ClaimStatus.InProgress, (await ledger.ClaimAsync("k", "f", None)).Status);
        Assert.True(await ledger.CompleteAsync("k", takeover.OwnerToken!, None));
        Assert.Equal(ClaimStatus.AlreadyCompleted, (await ledger.ClaimAsync("k", "f", None)).Status);
    }

    [Fact]
    public async Task APeekSaysWhatAClaimWouldFindAndClaimsNothing()
    {
        var ledger = Ledger;
        Assert.Null(await ledger.PeekAsync("k", None));
        Assert.Null(await ledger.PeekAsync("k", None));
        var claim = await ledger.ClaimAsync("k", "f", None);
        Assert.Equal(ClaimStatus.InProgress, await ledger.PeekAsync("k", None));

        Backend.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Null(await ledger.PeekAsync("k", None)); // a lapsed lease is free to take
        var takeover = await ledger.ClaimAsync("k", "f", None);
        await ledger.CompleteAsync("k", takeover.OwnerToken!, None);
        Assert.Equal(ClaimStatus.AlreadyCompleted, await ledger.PeekAsync("k", None));
        Assert.False(await ledger.CompleteAsync("k", claim.OwnerToken!, None));

        Backend.Clock.Advance(TimeSpan.FromDays(35) + TimeSpan.FromSeconds(1));
        Assert.Null(await ledger.PeekAsync("k", None)); // forgotten past its retention
    }

    [Fact]
    public async Task ReleaseWithTheOwnerTokenFreesTheKey()
    {
        var ledger = Ledger;
        var claim = await ledger.ClaimAsync("k", "f", None);

        Assert.False(await ledger.ReleaseAsync("k", "someone-else", None));
        Assert.True(await ledger.ReleaseAsync("k", claim.OwnerToken!, None));
        Assert.Equal(ClaimStatus.Acquired, (await ledger.ClaimAsync("k", "f", None)).Status);
    }

    [Fact]
    public async Task ACompletedRecordCannotBeReleasedAndOnlyItsOwnerSeesItCompleted()
    {
        var ledger = Ledger;
        var claim = await ledger.ClaimAsync("k", "f", None);
        await ledger.CompleteAsync("k", claim.OwnerToken!, None);

        Assert.False(await ledger.ReleaseAsync("k", claim.OwnerToken!, None));
        // A retried complete whose first attempt landed is still ours; nobody else's token completes it.
        Assert.True(await ledger.CompleteAsync("k", claim.OwnerToken!, None));
        Assert.False(await ledger.CompleteAsync("k", "someone-else", None));
    }

    [Fact]
    public async Task CompletingAnAbsentKeyFails()
    {
        Assert.False(await Ledger.CompleteAsync("never-claimed", "token", None));
    }

    [Fact]
    public async Task FiftyConcurrentClaimsOfOneKeyHaveExactlyOneWinner()
    {
        var ledger = Ledger;

        var claims = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => ledger.ClaimAsync("race", "f", None))));

        Assert.Single(claims, c => c.Status == ClaimStatus.Acquired);
        Assert.Equal(49, claims.Count(c => c.Status == ClaimStatus.InProgress));
    }
}

public sealed class InMemoryLedgerContract() : LedgerContract(() => Task.FromResult<IStoreBackend>(new InMemoryBackend()));

[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DynamoLedgerContract(DynamoDbFixture dynamo) : LedgerContract(async () => await DynamoBackend.CreateAsync(dynamo));
