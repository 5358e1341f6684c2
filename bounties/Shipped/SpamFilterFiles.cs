namespace L402Train.Bounties.Shipped;

/// <summary>The baseline files of the shipped spam-filter bounty, as text (kept in code so no build step embeds them).</summary>
internal static class SpamFilterFiles
{
    /// <summary>classify.awk</summary>
    public const string ClassifyAwk = """
        # Spam filter: reads classifier.conf (first file, "key = value" lines), then labelled messages
        # (second file, "label<TAB>text"), classifies each and prints the accuracy as the last line.
        function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
        function num(key) { return conf[key] + 0 }

        function classify(text,    i, n, w, t, words, raw, links, money, urgent, greet, caps, exclaim, score) {
            for (i = 1; i <= nspam; i++) if (index(text, spam_phrase[i])) return "spam"
            for (i = 1; i <= nham; i++) if (index(text, ham_phrase[i])) return "ham"
            t = conf["lowercase"] == "yes" ? tolower(text) : text
            n = split(t, words, /[ \t]+/)
            split(text, raw, /[ \t]+/)
            links = money = urgent = greet = caps = 0
            for (i = 1; i <= n; i++) {
                w = words[i]
                if (w ~ /^(http|www\.)/ || w ~ /\.(com|net|biz)[!.,]*$/) links++
                if (w ~ /^(free|cash|prize|win|winner|offer|bonus)[!.,]*$/ || w ~ /^\$[0-9]/) money++
                if (w ~ /^(now|urgent|limited|today|hurry|act)[!.,]*$/) urgent++
                if (w ~ /^(hi|hello|thanks|meeting|lunch|tomorrow|cheers|regards)[!.,]*$/) greet++
                if (length(raw[i]) >= num("min_caps_len") && raw[i] ~ /^[A-Z][A-Z!]*$/) caps++
            }
            exclaim = gsub(/!/, "!", t)
            score = num("bias") + num("weight_link") * links + num("weight_money") * money \
                + num("weight_urgent") * urgent + num("weight_greeting") * greet + num("weight_caps") * caps \
                + num("weight_exclaim") * exclaim + num("weight_length") * n / 10
            return score > num("threshold") ? "spam" : "ham"
        }

        # A noisy eval (eval.sh noisy) scores a random sample of the messages each run.
        # Canary items (the message texts listed in the set's canaries.txt) are scored apart: their
        # public answers differ from their held-out counterparts', so only memorised answers get the
        # public ones right; the last line reports them with the score as a JSON metrics object.
        BEGIN {
            if (sample > 0) srand(seed)
            if (canaries != "") while ((getline line < canaries) > 0) if (line != "") { canary[line] = 1; ncanary++ }
        }

        FNR == NR {
            if ($0 ~ /^[ \t]*(#|$)/) next
            eq = index($0, "=")
            if (eq == 0) next
            key = trim(substr($0, 1, eq - 1)); value = trim(substr($0, eq + 1))
            if (key == "spam_phrase") spam_phrase[++nspam] = value
            else if (key == "ham_phrase") ham_phrase[++nham] = value
            else conf[key] = value
            next
        }

        {
            tab = index($0, "\t")
            if (tab == 0) next
            text = substr($0, tab + 1)
            if (text in canary) {
                canary_total++
                if (classify(text) == substr($0, 1, tab - 1)) canary_correct++
                next
            }
            if (sample > 0 && rand() >= sample) next
            total++
            if (classify(text) == substr($0, 1, tab - 1)) correct++
        }

        END {
            printf "messages %d\ncorrect %d\n", total, correct
            if (total == 0) exit 1
            if (ncanary == 0) { printf "%.4f\n", correct / total; exit 0 }
            printf "canaries %d/%d\n", canary_correct, canary_total
            printf "{\"score\": %.4f, \"canary_correct\": %d, \"canary_total\": %d}\n", correct / total, canary_correct, canary_total
        }
        """ + "\n";

    /// <summary>eval.sh</summary>
    public const string EvalScript = """
        #!/bin/sh
        # Scores classify.awk with classifier.conf on an evaluation set; the last line is the accuracy.
        # The validator mounts the set at $L402_EVAL_DATA; locally it defaults to ./public.
        # "sh eval.sh noisy" scores a random 70% of the messages: the sample of seed $L402_EVAL_SEED when
        # the validator passes one (the same seed, the same sample), else a different sample each run.
        # The set's canaries.txt, when present, names its canary items (scored apart, reported on the last line).
        set -e
        dir="${L402_EVAL_DATA:-public}"
        data="$dir/messages.tsv"
        canaries=""
        if [ -f "$dir/canaries.txt" ]; then canaries="$dir/canaries.txt"; fi
        if [ "$1" = noisy ]; then
            # mawk's srand folds every seed from 2^31 up onto one: keep it below.
            seed=$(( ${L402_EVAL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')} % 2147483647 ))
            exec awk -v sample=0.7 -v seed="$seed" -v canaries="$canaries" -f classify.awk classifier.conf "$data"
        fi
        exec awk -v canaries="$canaries" -f classify.awk classifier.conf "$data"
        """ + "\n";

    /// <summary>classifier.conf</summary>
    public const string BaselineConfig = """
        # Spam filter settings. A message is spam when
        #   bias + sum(weight_x * count of feature x) + weight_length * words / 10 > threshold
        threshold = 0.5
        bias = 0.0
        weight_link = 0.5
        weight_money = 0.5
        weight_urgent = 1.0
        weight_caps = 0.5
        weight_exclaim = 0.5
        weight_greeting = 0.5
        weight_length = 0.0
        # Words of at least this many capital letters count as shouting.
        min_caps_len = 2
        # Match keywords case-insensitively (yes/no).
        lowercase = no
        # Messages containing a listed phrase are classified outright:
        #   spam_phrase = ...
        #   ham_phrase = ...
        """ + "\n";

    /// <summary>README.md</summary>
    public const string Readme = """
        # Spam filter bounty

        Improve the accuracy of `classify.awk` on labelled messages by changing `classifier.conf` only.

            sh eval.sh            # prints messages, correct and, on the last line, the accuracy

        Submissions are scored on a held-out set of the same kind; answers memorised from the public set
        do not carry over.
        """ + "\n";
}
