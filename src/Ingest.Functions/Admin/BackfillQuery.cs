using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Ingest.Functions.Admin;

/// <summary>A backfill's query string (signed with the path): <c>dryRun</c> (true or false) and <c>afterLine</c> (1 or more).</summary>
internal sealed record BackfillQuery(bool DryRun, int AfterLine)
{
    /// <returns>The values (false and 0 when absent), or the 400 problem naming the malformed one.</returns>
    public static (BackfillQuery? Query, IActionResult? Problem) Read(IQueryCollection query)
    {
        var flag = query["dryRun"].FirstOrDefault();
        var dryRun = false;
        if (flag is not null && !bool.TryParse(flag, out dryRun))
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "Invalid query", "dryRun must be true or false.", "dryRun"));
        }

        var resume = query["afterLine"].FirstOrDefault();
        var afterLine = 0;
        if (resume is not null && !(int.TryParse(resume, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out afterLine) && afterLine >= 1))
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "Invalid query", "afterLine must be a line number, 1 or more.", "afterLine"));
        }

        return (new BackfillQuery(dryRun, afterLine), null);
    }
}
