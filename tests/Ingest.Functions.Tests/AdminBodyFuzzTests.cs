using FluentValidation;
using Ingest.Core.Admin.Dimensions;
using Ingest.Functions.Admin;
using Ingest.Testing;
using Microsoft.AspNetCore.Mvc;

namespace Ingest.Functions.Tests;

/// <summary>
/// The admin body reader under seeded mutations of the admin samples: every body ends in the parsed request or a
/// 400 problem+json, never an exception (a 500). A failure names the seed and case to replay.
/// </summary>
public sealed class AdminBodyFuzzTests
{
    private const int CasesPerBody = 25_000;

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(ExternalTool.RepositoryRoot, "samples", "admin", name));

    [Fact]
    public async Task AHundredThousandMutatedAdminBodiesEndInARequestOrA400()
    {
        const int seed = 20261129;
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();
        await FuzzAsync(Sample("goals-2026-12.json"), new DimMetricSyncValidator(), random, outcomes, seed);
        await FuzzAsync(Sample("dates-2026-2027.json"), new DimDateSeedValidator(), random, outcomes, seed);
        await FuzzAsync(Sample("shifts.json"), new DimShiftSyncValidator(), random, outcomes, seed);
        await FuzzAsync(File.ReadAllBytes(Path.Combine(ExternalTool.RepositoryRoot, "samples", "roster.json")), new DimAgentSyncValidator(), random, outcomes, seed);

        // The mutations must reach both ends, or they are not exercising the reader.
        Assert.True(outcomes.GetValueOrDefault("request") > 0 && outcomes.GetValueOrDefault("400") > 0, string.Join(", ", outcomes));
    }

    private static async Task FuzzAsync<TBody>(byte[] sample, IValidator<TBody> validator, Random random, Dictionary<string, int> outcomes, int seed)
        where TBody : class
    {
        for (var i = 0; i < CasesPerBody; i++)
        {
            var body = BodyMutator.Mutate(sample, random);
            (TBody? Request, IActionResult? Problem) read;
            try
            {
                read = await AdminEndpoint.ReadBodyAsync(body, validator, whenEmpty: null, CancellationToken.None);
            }
            catch (Exception e)
            {
                Assert.Fail($"{typeof(TBody).Name} case {i} (seed {seed}) threw {e.GetType().Name}: {e.Message}\nbody: {Convert.ToBase64String(body)}");
                throw;
            }

            var outcome = read.Request is not null ? "request" : ((ObjectResult)read.Problem!).StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
            Assert.True(outcome is "request" or "400", $"{typeof(TBody).Name} case {i} (seed {seed}) ended {outcome}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
    }
}
