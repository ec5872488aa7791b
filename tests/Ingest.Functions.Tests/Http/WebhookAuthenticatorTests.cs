using System.Text;
using Ingest.Functions.Configuration;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Tests.Http;

public class WebhookAuthenticatorTests
{
    private readonly WebhookAuthenticator _authenticator = new(Options.Create(new WebhookOptions { AlowareToken = "s3cret-token" }));

    private string? Check(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return _authenticator.Check(context.Request);
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public void AcceptsTheBearerToken() => Assert.Null(Check("Bearer s3cret-token"));

    [Fact]
    public void WhileRotatingBothTokensAreAcceptedAndNothingElse()
    {
        var rotating = new WebhookAuthenticator(Options.Create(new WebhookOptions { AlowareToken = "old-token-1, new-token-2" }));
        string? CheckWith(string token)
        {
            var context = new DefaultHttpContext();
            context.Request.Headers.Authorization = $"Bearer {token}";
            return rotating.Check(context.Request);
        }

        Assert.Null(CheckWith("old-token-1"));
        Assert.Null(CheckWith("new-token-2"));
        Assert.Equal("wrong_credential", CheckWith("new-token-"));
        Assert.Equal("wrong_credential", CheckWith("other"));
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
    public void RefusesAMissingOrWrongCredential(string? header, string reason)
    {
        Assert.Equal(reason, Check(header));
    }

    [Fact]
    public void RefusesTheTokenAsTheBasicUserName() => Assert.Equal("wrong_credential", Check(Basic("s3cret-token", "x")));
}
