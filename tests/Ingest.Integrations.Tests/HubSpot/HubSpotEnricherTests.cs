using Ingest.Core;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.HubSpot;
using Ingest.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Tests.HubSpot;

/// <summary>The enricher against the fake HubSpot over HTTP: emails, tickets, owners, pipelines, throttling.</summary>
[Trait("Category", "Slow")]
public sealed class HubSpotEnricherTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 15, 0, 0, TimeSpan.Zero);
    private FakeHubSpot _hubSpot = null!;
    private ServiceProvider _services = null!;

    private HubSpotEnricher Enricher => _services.GetRequiredService<HubSpotEnricher>();

    public async Task InitializeAsync()
    {
        _hubSpot = await FakeHubSpot.StartAsync();
        _hubSpot.Owners["11"] = "Ana@Example.com ";
        _hubSpot.Owners["12"] = "ben@example.com";
        _hubSpot.Owners["13"] = "nobody@example.com";
        _services = Compose();
        await _services.GetRequiredService<IRosterStore>().ReplaceAsync(
            [new DimAgent { AgentID = 101, Name = "Ana", Email = "ana@example.com" }, new DimAgent { AgentID = 102, Name = "Ben", Email = "BEN@example.com" }], CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _hubSpot.DisposeAsync();
    }

    private ServiceProvider Compose(int permitsPer10Seconds = 80)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HUBSPOT_CLIENT_SECRET"] = "a-client-secret",
            ["HUBSPOT_WEBHOOK_URL"] = "https://ingest.example.com/api/webhook/hubspot",
            ["HUBSPOT_ACCESS_TOKEN"] = FakeHubSpot.Token,
            ["HUBSPOT_API_BASE_URL"] = _hubSpot.BaseAddress.ToString(),
            ["HubSpot:MaxRequestsPer10Seconds"] = permitsPer10Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ADMIN_HMAC_SECRET"] = "an-admin-secret-for-tests",
        }).Build();
        return new ServiceCollection().AddLogging().AddCore(configuration).AddHubSpot(configuration).BuildServiceProvider();
    }

    private static EnrichmentCandidate Email(long id) => new("hubspot", "email", id, null, At.UtcDateTime);

    private static EnrichmentCandidate Ticket(long id, string stage, int minutes = 0) => new("hubspot", "ticket", id, stage, At.AddMinutes(minutes).UtcDateTime);

    [Fact]
    public async Task AnEmailSentByARepCountsForTheAgentWithItsEmailAtItsTimestamp()
    {
        _hubSpot.AddEmail(1, "11", "EMAIL", At.AddMinutes(-3));
        _hubSpot.AddEmail(2, "11", "INCOMING_EMAIL", At);
        _hubSpot.AddEmail(3, "12", "FORWARDED_EMAIL", At);

        var counted = await Enricher.EnrichAsync([Email(1), Email(2), Email(3)], CancellationToken.None);

        var email = Assert.Single(counted);
        Assert.Equal((MetricId.EMAILS, 1L, 101L), (email.Metric, email.CommunicationId, email.AgentId));
        Assert.Equal(At.AddMinutes(-3).UtcDateTime, email.OccurredAtUtc);
    }

    [Fact]
    public async Task ATicketCountsWhenItsNewStageIsClosedAtTheTimeOfTheChange()
    {
        _hubSpot.AddTicket(7, "12", "4");
        _hubSpot.AddTicket(8, "11", "2");

        var counted = await Enricher.EnrichAsync([Ticket(7, "4", minutes: 5), Ticket(8, "2")], CancellationToken.None);

        var ticket = Assert.Single(counted);
        Assert.Equal((MetricId.CASES, 7L, 102L, "Closed"), (ticket.Metric, ticket.CommunicationId, ticket.AgentId, ticket.Disposition));
        Assert.Equal(At.AddMinutes(5).UtcDateTime, ticket.OccurredAtUtc);
    }

    [Fact]
    public async Task AStageAddedSinceThePipelinesWereCachedIsLearnedByReadingThemAgain()
    {
        _hubSpot.AddTicket(7, "12", "4");
        await Enricher.EnrichAsync([Ticket(7, "4")], CancellationToken.None);
        _hubSpot.Stages["9"] = "CLOSED";
        _hubSpot.AddTicket(9, "11", "9");

        var counted = await Enricher.EnrichAsync([Ticket(9, "9")], CancellationToken.None);

        Assert.Equal(101, Assert.Single(counted).AgentId);
    }

    [Fact]
    public async Task AnOwnerWhoIsNoAgentIsGatedUnderTheNegatedOwnerId()
    {
        _hubSpot.AddEmail(4, "13", "EMAIL", At);
        _hubSpot.AddEmail(5, "", "EMAIL", At);

        var counted = await Enricher.EnrichAsync([Email(4), Email(5)], CancellationToken.None);

        Assert.Equal([-13L, -1L], counted.OrderBy(c => c.CommunicationId).Select(c => c.AgentId));
    }

    [Fact]
    public async Task BatchReadsCarryAtMostOneHundredIds()
    {
        foreach (var id in Enumerable.Range(1, 150))
        {
            _hubSpot.AddEmail(id, "11", "EMAIL", At);
        }

        var counted = await Enricher.EnrichAsync(Enumerable.Range(1, 150).Select(id => Email(id)).ToArray(), CancellationToken.None);

        Assert.Equal(150, counted.Count);
        Assert.Equal(100, _hubSpot.LargestBatch);
    }

    [Fact]
    public async Task A429IsHonouredAndTheReadSucceedsAfterIt()
    {
        _hubSpot.AddEmail(1, "11", "EMAIL", At);
        _hubSpot.ThrottleNext(2);

        var counted = await Enricher.EnrichAsync([Email(1)], CancellationToken.None);

        Assert.Single(counted);
        Assert.Equal(2, _hubSpot.Throttled);
    }

    [Fact]
    public async Task TheClientSideBudgetKeepsRequestsUnderHubSpotsLimit()
    {
        await using var limited = Compose(permitsPer10Seconds: 3);
        await limited.GetRequiredService<IRosterStore>().ReplaceAsync([new DimAgent { AgentID = 101, Name = "Ana", Email = "ana@example.com" }], CancellationToken.None);
        _hubSpot.Budget = 3;
        _hubSpot.AddEmail(1, "11", "EMAIL", At);
        _hubSpot.AddTicket(7, "11", "4");

        // pipelines, emails, tickets, then two pages of owners: five requests against three a window.
        var counted = await limited.GetRequiredService<HubSpotEnricher>().EnrichAsync([Email(1), Ticket(7, "4")], CancellationToken.None);

        Assert.Equal(2, counted.Count);
        Assert.Equal(0, _hubSpot.Throttled);
        Assert.Equal(5, _hubSpot.Requests);
    }

    [Fact]
    public async Task AnObjectTheCrmDoesNotReturnIsSkippedAndTheRestCount()
    {
        _hubSpot.AddEmail(21, "11", "EMAIL", At);

        var counted = await Enricher.EnrichAsync([Email(21), Email(22)], CancellationToken.None);

        Assert.Equal([21L], counted.Select(c => c.CommunicationId));
    }

    [Fact]
    public async Task AReadThatReturnsNoneOfTheObjectsFailsSoTheDeliveryIsKept()
    {
        await Assert.ThrowsAsync<Integrations.HubSpot.HubSpotReadSuspectException>(() => Enricher.EnrichAsync([Email(31), Email(32)], CancellationToken.None));
    }

    [Fact]
    public async Task ATicketClosedReopenedAndClosedAgainIsDatedByItsFirstCloseWhicheverDeliveryComesFirst()
    {
        var firstClose = At.AddDays(-3);
        _hubSpot.AddTicketHistory(41, "11", ("1", At.AddDays(-5)), ("4", firstClose), ("2", At.AddDays(-1)), ("4", At));

        // The later close's delivery is redriven before the first one's.
        var counted = Assert.Single(await Enricher.EnrichAsync([Ticket(41, "4")], CancellationToken.None));

        Assert.Equal(firstClose.UtcDateTime, counted.OccurredAtUtc);
    }
}
