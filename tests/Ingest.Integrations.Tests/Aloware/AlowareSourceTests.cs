using System.Text;
using Ingest.Core.Adapters;
using Ingest.Integrations.Aloware;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Tests.Aloware;

/// <summary>Aloware's credential, checked by its source before the body is read.</summary>
public class AlowareSourceTests
{
    private static AlowareSource Source(string tokens) => new(new AlowareAdapter(), Options.Create(new AlowareWebhookOptions { AlowareToken = tokens }));

    private static string? Check(string? authorization, string tokens = "s3cret-token")
        => Source(tokens).CheckBeforeBody(new WebhookRequestHead("POST", name => name == "Authorization" ? authorization : null));

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public void AcceptsTheBearerToken() => Assert.Null(Check("Bearer s3cret-token"));

    [Fact]
    public void WhileRotatingBothTokensAreAcceptedAndNothingElse()
    {
        const string rotating = "old-token-1, new-token-2";

        Assert.Null(Check("Bearer old-token-1", rotating));
        Assert.Null(Check("Bearer new-token-2", rotating));
        Assert.Equal("wrong_credential", Check("Bearer new-token-", rotating));
        Assert.Equal("wrong_credential", Check("Bearer other", rotating));
    }

    [Fact]
    public void AcceptsTheTokenAsTheBasicPasswordWhateverTheUser()
    {
        Assert.Null(Check(Basic("aloware", "s3cret-token")));
        Assert.Null(Check(Basic("", "s3cret-token")));
    }

    [Theory]
    [InlineData(null, "missing_credential")]
    [InlineData("", "missing_credential")]
    [InlineData("Bearer", "missing_credential")]
    [InlineData("Bearer s3cret-tokeN", "wrong_credential")]
    [InlineData("Bearer s3cret-token-and-more", "wrong_credential")]
    [InlineData("Digest s3cret-token", "unsupported_scheme")]
    [InlineData("Basic !!!notbase64", "unsupported_scheme")]
    public void RefusesAMissingOrWrongCredential(string? header, string reason) => Assert.Equal(reason, Check(header));

    [Fact]
    public void RefusesTheTokenAsTheBasicUserName() => Assert.Equal("wrong_credential", Check(Basic("s3cret-token", "x")));

    [Fact]
    public void AlowareSignsNoBodyAndClassifiesWithItsAdapter()
    {
        var source = Source("s3cret-token");

        Assert.Null(source.CheckAfterBody(new WebhookRequestHead("POST", _ => null), "{}"u8));
        Assert.Equal("aloware", source.Name);
    }
}
