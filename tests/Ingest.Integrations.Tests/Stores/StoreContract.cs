namespace Ingest.Integrations.Tests.Stores;

/// <summary>A contract suite's base: one backend per test, built before it and disposed after.</summary>
public abstract class StoreContract(Func<Task<IStoreBackend>> createBackend) : IAsyncLifetime
{
    protected IStoreBackend Backend { get; private set; } = null!;
    protected static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => Backend = await createBackend();

    public async Task DisposeAsync() => await Backend.DisposeAsync();
}
