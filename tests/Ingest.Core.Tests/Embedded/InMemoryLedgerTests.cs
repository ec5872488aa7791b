using Ingest.Core.Configuration;
using Ingest.Core.Embedded;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Core.Tests.Embedded;

public class InMemoryLedgerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLedger _ledger;
    private readonly CancellationToken _ct = CancellationToken.None;

    public InMemoryLedgerTests()
    {
        _ledger = new InMemoryLedger(Options.Create(new LedgerOptions { LeaseDuration = TimeSpan.FromMinutes(10), Retention = TimeSpan.FromDays(35) }), _clock);
    }

    [Fact]
    public async Task ClaimsAnAbsentKey()
    {
        var claim = await _ledger.ClaimAsync("k", "agent=1", _ct);

        Assert.Equal(ClaimStatus.Acquired, claim.Status);
        Assert.False(string.IsNullOrEmpty(claim.OwnerToken));
    }

    [Fact]
    public async Task ReportsALiveLeaseAsInProgressWithTheFirstFingerprint()
    {
        await _ledger.ClaimAsync("k", "agent=1", _ct);

        var second = await _ledger.ClaimAsync("k", "agent=2", _ct);

        Assert.Equal(ClaimStatus.InProgress, second.Status);
        Assert.Equal("agent=1", second.ExistingFingerprint);
        Assert.Null(second.OwnerToken);
    }

    [Fact]
    public async Task ReportsACompletedKeyAsAlreadyCompleted()
    {
        var first = await _ledger.ClaimAsync("k", "f", _ct);
        Assert.True(await _ledger.CompleteAsync("k", first.OwnerToken!, _ct));

        _clock.Advance(TimeSpan.FromDays(34));

        Assert.Equal(ClaimStatus.AlreadyCompleted, (await _ledger.ClaimAsync("k", "f", _ct)).Status);
    }

    [Fact]
    public async Task AKeyPastItsRetentionCountsAsAbsent()
    {
        var first = await _ledger.ClaimAsync("k", "f", _ct);
        await _ledger.CompleteAsync("k", first.OwnerToken!, _ct);

        _clock.Advance(TimeSpan.FromDays(35) + TimeSpan.FromSeconds(1));

        Assert.Equal(ClaimStatus.Acquired, (await _ledger.ClaimAsync("k", "f", _ct)).Status);
    }

    [Fact]
    public async Task ALapsedLeaseIsTakenOverAndTheSlowOwnerCanNeitherCompleteNorRelease()
    {
        var slow = await _ledger.ClaimAsync("k", "f", _ct);
        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        var takeover = await _ledger.ClaimAsync("k", "f", _ct);

        Assert.Equal(ClaimStatus.Acquired, takeover.Status);
        Assert.NotEqual(slow.OwnerToken, takeover.OwnerToken);
        Assert.False(await _ledger.CompleteAsync("k", slow.OwnerToken!, _ct));
        Assert.False(await _ledger.ReleaseAsync("k", slow.OwnerToken!, _ct));
        Assert.Equal(ClaimStatus.InProgress, (await _ledger.ClaimAsync("k", "f", _ct)).Status);
        Assert.True(await _ledger.CompleteAsync("k", takeover.OwnerToken!, _ct));
    }

    [Fact]
    public async Task ReleaseFreesTheKeyForTheNextClaim()
    {
        var first = await _ledger.ClaimAsync("k", "f", _ct);

        Assert.True(await _ledger.ReleaseAsync("k", first.OwnerToken!, _ct));
        Assert.Equal(ClaimStatus.Acquired, (await _ledger.ClaimAsync("k", "f", _ct)).Status);
    }

    [Fact]
    public async Task ACompletedRecordCannotBeReleased()
    {
        var first = await _ledger.ClaimAsync("k", "f", _ct);
        await _ledger.CompleteAsync("k", first.OwnerToken!, _ct);

        Assert.False(await _ledger.ReleaseAsync("k", first.OwnerToken!, _ct));
        Assert.Equal(ClaimStatus.AlreadyCompleted, (await _ledger.ClaimAsync("k", "f", _ct)).Status);
    }

    [Fact]
    public async Task ConcurrentClaimsOfOneKeyHaveExactlyOneWinner()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => _ledger.ClaimAsync("k", "f", _ct))));

        Assert.Single(claims, c => c.Status == ClaimStatus.Acquired);
    }
}
