using System.Text;
using L402Train.Model.Randomness;

namespace L402Train.Model.Corpus;

/// <summary>
/// Writes short children's stories from a seed: a hero with a name, an animal friend, a place,
/// a wanted object, a problem, a helper, a resolution and a moral, drawn from fixed word lists
/// and sentence templates. The text has real structure at every scale (spelling, agreement,
/// recurring names within a story, plot order) so a small model's loss falls steadily, and the
/// same seed always gives the same stories on every machine.
/// </summary>
public sealed class StoryGenerator
{
    private static readonly string[] GirlNames = ["Lily", "Mia", "Sara", "Anna", "Zoe", "Emma", "Lucy", "Ruby", "Nora", "Ella"];
    private static readonly string[] BoyNames = ["Tom", "Ben", "Max", "Leo", "Sam", "Jack", "Tim", "Finn", "Noah", "Eli"];
    private static readonly string[] Animals = ["dog", "cat", "bird", "bunny", "frog", "duck", "fox", "bear", "mouse", "owl"];
    private static readonly string[] Places = ["the park", "the forest", "the beach", "the garden", "the farm", "the hill", "the lake", "the town"];
    private static readonly string[] Objects = ["ball", "kite", "red hat", "toy car", "blue box", "shiny stone", "book", "drum", "cake", "flower"];
    private static readonly string[] Adjectives = ["happy", "little", "brave", "kind", "curious", "shy", "funny", "tired", "big", "small"];
    private static readonly string[] Weathers = ["sunny", "windy", "rainy", "cold", "warm", "bright"];
    private static readonly string[] Problems =
    [
        "the {0} fell into the water",
        "the {0} got stuck in a tall tree",
        "a strong wind took the {0} away",
        "the {0} was lost in the tall grass",
        "the {0} broke into two pieces",
        "a big dog ran off with the {0}",
    ];

    private static readonly string[] Feelings = ["sad", "scared", "upset", "worried"];
    private static readonly string[] Helpers = ["mom", "dad", "grandma", "a friendly old man", "a kind girl", "the teacher"];
    private static readonly string[] Fixes =
    [
        "{0} used a long stick to get the {1} back",
        "{0} climbed up slowly and got the {1}",
        "{0} looked under every bush and found the {1}",
        "{0} and {2} worked together to fix the {1}",
        "{0} asked {3} for help, and {3} got the {1} back",
    ];

    private static readonly string[] Morals =
    [
        "It is good to help your friends.",
        "When we work together, hard things get easy.",
        "Never give up, even when you feel {4}.",
        "Sharing makes everyone happy.",
        "Being kind is the best thing to do.",
    ];

    private readonly DeterministicRandom _random;

    /// <summary>Starts a story stream from a seed.</summary>
    public StoryGenerator(ulong seed) => _random = new DeterministicRandom(seed);

    /// <summary>The next <paramref name="count"/> stories.</summary>
    public IReadOnlyList<string> Generate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var stories = new string[count];
        for (var i = 0; i < count; i++)
        {
            stories[i] = NextStory();
        }

        return stories;
    }

    /// <summary>One story of roughly 400–900 characters.</summary>
    public string NextStory()
    {
        var girl = _random.NextInt(2) == 0;
        var hero = Pick(girl ? GirlNames : BoyNames);
        var he = girl ? "she" : "he";
        var his = girl ? "her" : "his";
        var friendIsAnimal = _random.NextInt(2) == 0;
        var friend = friendIsAnimal ? $"{his} {Pick(Animals)}" : Pick(girl ? BoyNames : GirlNames);
        var friendName = friendIsAnimal ? Capitalize(friend) : friend;
        var place = Pick(Places);
        var thing = Pick(Objects);
        var feeling = Pick(Feelings);
        var helper = Pick(Helpers);

        var text = new StringBuilder();
        text.Append(Pick(["Once upon a time", "One day", "Long ago", "One " + Pick(Weathers) + " morning"]))
            .Append(", there was a ").Append(Pick(Adjectives)).Append(girl ? " girl" : " boy")
            .Append(" named ").Append(hero).Append(". ");
        text.Append(Capitalize(he)).Append(" loved to play with ").Append(friend).Append(". ");
        text.Append(hero).Append(" had a ").Append(thing).Append(". ")
            .Append(Capitalize(he)).Append(" liked the ").Append(thing).Append(" very much. ");
        text.Append("One day, ").Append(hero).Append(" and ").Append(friend).Append(" went to ").Append(place).Append(". ");
        text.Append("The sky was ").Append(Pick(Weathers)).Append(" and they played all day. ");
        text.Append("But then, ").Append(string.Format(null, Pick(Problems), thing)).Append("! ");
        text.Append(hero).Append(" felt ").Append(feeling).Append(". \"Oh no, my ").Append(thing).Append("!\" ")
            .Append(he).Append(" said. ");
        if (_random.NextInt(2) == 0)
        {
            text.Append(friendName).Append(" said, \"Do not be ").Append(feeling).Append(", ").Append(hero).Append(". I will help you.\" ");
        }

        var solver = _random.NextInt(2) == 0 ? hero : friendName;
        text.Append(Capitalize(string.Format(null, Pick(Fixes), solver, thing, friend, helper))).Append(". ");
        text.Append(hero).Append(" was so ").Append(Pick(["happy", "glad", "proud", "thankful"])).Append(". ")
            .Append(Capitalize(he)).Append(" gave ").Append(friend).Append(" a big hug. ");
        text.Append("From that day on, ").Append(hero).Append(" and ").Append(friend)
            .Append(" were best friends and played at ").Append(place).Append(" every day. ");
        text.Append(string.Format(null, Pick(Morals), hero, thing, friend, helper, feeling));
        return text.ToString();
    }

    private string Pick(string[] options) => options[_random.NextInt(options.Length)];

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
