using Amazon.DynamoDBv2;
using Ingest.Integrations.PowerBi;
using Ingest.Core.Configuration;
using Ingest.Core.Embedded;
using Ingest.Core.Storage;
using Ingest.Integrations.DynamoDb;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.Stores;

/// <summary>Builds every store on one backend, on a shared fake clock, so one contract suite runs against both.</summary>
public interface IStoreBackend : IAsyncDisposable
{
    FakeTimeProvider Clock { get; }
    ILedger Ledger(LedgerOptions options);
    IRosterStore Roster();
    IShiftRuleStore Shifts();
    IDimRegistry Dims();
    IQuarantineStore Quarantine();
    IAdminVersionStore Versions();
    IAuditLog Audit();
    INonceStore Nonces();
    ITableLockStore Locks();
    IPushBudget Budget();
    IDesiredStateStore Desired();
}

public sealed class InMemoryBackend : IStoreBackend
{
    public FakeTimeProvider Clock { get; } = new(StoreClock.Start());
    public ILedger Ledger(LedgerOptions options) => new InMemoryLedger(Options.Create(options), Clock);
    public IRosterStore Roster() => new InMemoryRosterStore();
    public IShiftRuleStore Shifts() => new InMemoryShiftRuleStore();
    public IDimRegistry Dims() => new InMemoryDimRegistry();
    public IQuarantineStore Quarantine() => new InMemoryQuarantineStore();
    public IAdminVersionStore Versions() => new InMemoryAdminVersionStore();
    public IAuditLog Audit() => new InMemoryAuditLog();
    public INonceStore Nonces() => new InMemoryNonceStore(Clock);
    public ITableLockStore Locks() => new InMemoryTableLockStore(Clock);
    public IPushBudget Budget() => new InMemoryPushBudget();
    public IDesiredStateStore Desired() => new InMemoryDesiredStateStore();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class DynamoBackend(IAmazonDynamoDB client, DynamoDbOptions options) : IStoreBackend
{
    private readonly IOptions<DynamoDbOptions> _options = Options.Create(options);

    public static async Task<DynamoBackend> CreateAsync(DynamoDbFixture fixture)
    {
        var options = await fixture.Local.CreateTableAsync();
        return new DynamoBackend(DynamoClientFactory.Create(options), options);
    }

    public FakeTimeProvider Clock { get; } = new(StoreClock.Start());
    public IAmazonDynamoDB Client => client;
    public ILedger Ledger(LedgerOptions ledger) => new DynamoLedger(client, _options, Options.Create(ledger), Clock);
    public IRosterStore Roster() => new DynamoRosterStore(new DynamoDocuments(client, _options), _options, Clock);
    public IShiftRuleStore Shifts() => new DynamoShiftRuleStore(new DynamoDocuments(client, _options));
    public IDimRegistry Dims() => new DynamoDimRegistry(client, _options);
    public IQuarantineStore Quarantine() => new DynamoQuarantineStore(client, _options, Clock);
    public IAdminVersionStore Versions() => new DynamoAdminVersionStore(client, _options);
    public IAuditLog Audit() => new DynamoAuditLog(client, _options);
    public INonceStore Nonces() => new DynamoNonceStore(client, _options, Clock);
    public ITableLockStore Locks() => new DynamoTableLockStore(client, _options, Clock);
    public IPushBudget Budget() => new DynamoPushBudget(client, _options);
    public IDesiredStateStore Desired() => new DynamoDesiredStateStore(client, _options);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Where a test's fake clock starts: the real present, to the second. DynamoDB Local deletes items whose TTL
/// attribute (`expiresAt`) is in the real past, so a clock fixed at a past date makes every record expire under the
/// test (a budget counter that vanished let 35 takes through a limit of 25 once that date had passed).
/// </summary>
public static class StoreClock
{
    public static DateTimeOffset Start() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
