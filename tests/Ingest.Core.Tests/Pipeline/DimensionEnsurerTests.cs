using Ingest.Core.Domain;
using Ingest.Core.Embedded;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Moq;

namespace Ingest.Core.Tests.Pipeline;

public class DimensionEnsurerTests
{
    private readonly InMemoryDimRegistry _registry = new();
    private readonly Mock<IPushTables> _tables = new();

    [Fact]
    public async Task AFailedPushIsForgottenSoTheNextRequestPushesTheRow()
    {
        _tables.SetupSequence(t => t.AddRowsAsync(TableNames.DimDate, It.IsAny<IReadOnlyList<DimDate>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("down"))
            .Returns(Task.CompletedTask);
        var ensurer = new DimensionEnsurer(_registry, _tables.Object);
        var hints = new DimHints(new HashSet<int> { 20261126 }, new HashSet<long>());

        await Assert.ThrowsAsync<HttpRequestException>(() => ensurer.EnsureAsync(hints, CancellationToken.None));
        await ensurer.EnsureAsync(hints, CancellationToken.None);
        await ensurer.EnsureAsync(hints, CancellationToken.None);

        _tables.Verify(t => t.AddRowsAsync(TableNames.DimDate, It.Is<IReadOnlyList<DimDate>>(r => r.Single().DateKey == 20261126), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task ClearingTheRegistryPushesRowsAgain()
    {
        var ensurer = new DimensionEnsurer(_registry, _tables.Object);
        var hints = new DimHints(new HashSet<int> { 20261126 }, new HashSet<long>());

        await ensurer.EnsureAsync(hints, CancellationToken.None);
        await _registry.ClearAsync(TableNames.DimDate, CancellationToken.None);
        await ensurer.EnsureAsync(hints, CancellationToken.None);

        _tables.Verify(t => t.AddRowsAsync(TableNames.DimDate, It.IsAny<IReadOnlyList<DimDate>>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
