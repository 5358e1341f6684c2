using L402Train.Model.Gpt;
using L402Train.Model.Tensors;

namespace L402Train.Bench.Model.Naive;

/// <summary>
/// A straightforward scalar port of llm.c's train_gpt2.c (plain loops, one thread, no SIMD) over
/// the same parameter layout: the baseline for speedup_vs_naive, and a cross-check of the loss.
/// </summary>
internal sealed class NaiveGpt
{
    private readonly GptConfig _c;
    private readonly float[] _p;
    private readonly float[] _g;
    private readonly IReadOnlyList<TensorSlot> _specs;
    private readonly Dictionary<string, int> _at;
    private readonly float[] _m;
    private readonly float[] _v;
    private int _step;

    public NaiveGpt(GptConfig config, ParameterSet parameters)
    {
        _c = config;
        _p = (float[])parameters.Buffer.Clone();
        _g = new float[_p.Length];
        _m = new float[_p.Length];
        _v = new float[_p.Length];
        _specs = parameters.Layout;
        _at = _specs.ToDictionary(s => s.Name, s => s.Offset);
    }

    private int P(string name) => _at[name];

    public double Step(int[] inputs, int[] targets, int b, int t, float lr)
    {
        int c = _c.Channels, v = _c.VocabSize, l = _c.Layers, nh = _c.Heads, n = b * t;
        var x = new float[n * c];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < c; j++)
            {
                x[(i * c) + j] = _p[P("wte") + (inputs[i] * c) + j] + _p[P("wpe") + ((i % t) * c) + j];
            }
        }

        var cache = new List<float[][]>();
        var residual = x;
        for (var layer = 0; layer < l; layer++)
        {
            var pre = $"h.{layer}.";
            var (ln1, m1, r1) = LnForward(residual, P(pre + "ln_1.weight"), P(pre + "ln_1.bias"), n, c);
            var qkv = MatForward(ln1, P(pre + "attn.c_attn.weight"), P(pre + "attn.c_attn.bias"), n, c, 3 * c);
            var (atty, att) = AttForward(qkv, b, t, c, nh);
            var proj = MatForward(atty, P(pre + "attn.c_proj.weight"), P(pre + "attn.c_proj.bias"), n, c, c);
            var res2 = Add(residual, proj);
            var (ln2, m2, r2) = LnForward(res2, P(pre + "ln_2.weight"), P(pre + "ln_2.bias"), n, c);
            var fch = MatForward(ln2, P(pre + "mlp.c_fc.weight"), P(pre + "mlp.c_fc.bias"), n, c, 4 * c);
            var gelu = new float[fch.Length];
            for (var i = 0; i < fch.Length; i++)
            {
                var u = fch[i];
                gelu[i] = 0.5f * u * (1f + MathF.Tanh(0.7978845608f * (u + (0.044715f * u * u * u))));
            }

            var fcproj = MatForward(gelu, P(pre + "mlp.c_proj.weight"), P(pre + "mlp.c_proj.bias"), n, 4 * c, c);
            var res3 = Add(res2, fcproj);
            cache.Add([residual, ln1, m1, r1, qkv, atty, att, res2, ln2, m2, r2, fch, gelu]);
            residual = res3;
        }

        var (lnf, mf, rf) = LnForward(residual, P("ln_f.weight"), P("ln_f.bias"), n, c);
        var logits = MatForward(lnf, P("wte"), -1, n, c, v);
        var dlogits = new float[n * v];
        double loss = 0;
        for (var i = 0; i < n; i++)
        {
            var max = float.NegativeInfinity;
            for (var j = 0; j < v; j++)
            {
                max = MathF.Max(max, logits[(i * v) + j]);
            }

            var sum = 0f;
            for (var j = 0; j < v; j++)
            {
                sum += MathF.Exp(logits[(i * v) + j] - max);
            }

            for (var j = 0; j < v; j++)
            {
                var prob = MathF.Exp(logits[(i * v) + j] - max) / sum;
                dlogits[(i * v) + j] = (prob - (j == targets[i] ? 1f : 0f)) / n;
                if (j == targets[i])
                {
                    loss -= Math.Log(prob);
                }
            }
        }

        Array.Clear(_g);
        var dlnf = MatBackward(dlogits, lnf, P("wte"), -1, n, c, v);
        var dres = LnBackward(dlnf, residual, mf, rf, P("ln_f.weight"), P("ln_f.bias"), n, c);
        for (var layer = l - 1; layer >= 0; layer--)
        {
            var pre = $"h.{layer}.";
            var k = cache[layer];
            var dgelu = MatBackward(dres, k[12], P(pre + "mlp.c_proj.weight"), P(pre + "mlp.c_proj.bias"), n, 4 * c, c);
            var dfch = new float[dgelu.Length];
            for (var i = 0; i < dfch.Length; i++)
            {
                var u = k[11][i];
                var inner = 0.7978845608f * (u + (0.044715f * u * u * u));
                var th = MathF.Tanh(inner);
                var sech2 = 1f - (th * th);
                dfch[i] = dgelu[i] * ((0.5f * (1f + th)) + (0.5f * u * sech2 * 0.7978845608f * (1f + (3f * 0.044715f * u * u))));
            }

            var dln2 = MatBackward(dfch, k[8], P(pre + "mlp.c_fc.weight"), P(pre + "mlp.c_fc.bias"), n, c, 4 * c);
            var dres2 = Add(dres, LnBackward(dln2, k[7], k[9], k[10], P(pre + "ln_2.weight"), P(pre + "ln_2.bias"), n, c));
            var datty = MatBackward(dres2, k[5], P(pre + "attn.c_proj.weight"), P(pre + "attn.c_proj.bias"), n, c, c);
            var dqkv = AttBackward(datty, k[4], k[6], b, t, c, nh);
            var dln1 = MatBackward(dqkv, k[1], P(pre + "attn.c_attn.weight"), P(pre + "attn.c_attn.bias"), n, c, 3 * c);
            dres = Add(dres2, LnBackward(dln1, k[0], k[2], k[3], P(pre + "ln_1.weight"), P(pre + "ln_1.bias"), n, c));
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < c; j++)
            {
                _g[P("wte") + (inputs[i] * c) + j] += dres[(i * c) + j];
                _g[P("wpe") + ((i % t) * c) + j] += dres[(i * c) + j];
            }
        }

        _step++;
        for (var i = 0; i < _p.Length; i++)
        {
            _m[i] = (0.9f * _m[i]) + (0.1f * _g[i]);
            _v[i] = (0.95f * _v[i]) + (0.05f * _g[i] * _g[i]);
            var mh = _m[i] / (1f - MathF.Pow(0.9f, _step));
            var vh = _v[i] / (1f - MathF.Pow(0.95f, _step));
            _p[i] -= lr * (mh / (MathF.Sqrt(vh) + 1e-8f));
        }

        return loss / n;
    }

    private static float[] Add(float[] a, float[] b)
    {
        var y = new float[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            y[i] = a[i] + b[i];
        }

        return y;
    }

    private (float[] Y, float[] Mean, float[] Rstd) LnForward(float[] x, int w, int bias, int n, int c)
    {
        var y = new float[n * c];
        var mean = new float[n];
        var rstd = new float[n];
        for (var i = 0; i < n; i++)
        {
            var m = 0f;
            for (var j = 0; j < c; j++)
            {
                m += x[(i * c) + j];
            }

            m /= c;
            var variance = 0f;
            for (var j = 0; j < c; j++)
            {
                var d = x[(i * c) + j] - m;
                variance += d * d;
            }

            var s = 1f / MathF.Sqrt((variance / c) + 1e-5f);
            for (var j = 0; j < c; j++)
            {
                y[(i * c) + j] = ((x[(i * c) + j] - m) * s * _p[w + j]) + _p[bias + j];
            }

            mean[i] = m;
            rstd[i] = s;
        }

        return (y, mean, rstd);
    }

    private float[] LnBackward(float[] dy, float[] x, float[] mean, float[] rstd, int w, int bias, int n, int c)
    {
        var dx = new float[n * c];
        for (var i = 0; i < n; i++)
        {
            float a = 0, bsum = 0;
            for (var j = 0; j < c; j++)
            {
                var norm = (x[(i * c) + j] - mean[i]) * rstd[i];
                var dnorm = _p[w + j] * dy[(i * c) + j];
                a += dnorm;
                bsum += dnorm * norm;
            }

            a /= c;
            bsum /= c;
            for (var j = 0; j < c; j++)
            {
                var norm = (x[(i * c) + j] - mean[i]) * rstd[i];
                var dnorm = _p[w + j] * dy[(i * c) + j];
                _g[bias + j] += dy[(i * c) + j];
                _g[w + j] += norm * dy[(i * c) + j];
                dx[(i * c) + j] = rstd[i] * (dnorm - a - (norm * bsum));
            }
        }

        return dx;
    }

    private float[] MatForward(float[] x, int w, int bias, int n, int cin, int cout)
    {
        var y = new float[n * cout];
        for (var i = 0; i < n; i++)
        {
            for (var o = 0; o < cout; o++)
            {
                var sum = bias >= 0 ? _p[bias + o] : 0f;
                for (var k = 0; k < cin; k++)
                {
                    sum += x[(i * cin) + k] * _p[w + (o * cin) + k];
                }

                y[(i * cout) + o] = sum;
            }
        }

        return y;
    }

    private float[] MatBackward(float[] dy, float[] x, int w, int bias, int n, int cin, int cout)
    {
        var dx = new float[n * cin];
        for (var i = 0; i < n; i++)
        {
            for (var o = 0; o < cout; o++)
            {
                var d = dy[(i * cout) + o];
                for (var k = 0; k < cin; k++)
                {
                    dx[(i * cin) + k] += _p[w + (o * cin) + k] * d;
                    _g[w + (o * cin) + k] += x[(i * cin) + k] * d;
                }

                if (bias >= 0)
                {
                    _g[bias + o] += d;
                }
            }
        }

        return dx;
    }

    private static (float[] Y, float[] Att) AttForward(float[] qkv, int b, int t, int c, int nh)
    {
        var hs = c / nh;
        var scale = 1f / MathF.Sqrt(hs);
        var y = new float[b * t * c];
        var att = new float[b * nh * t * t];
        for (var bb = 0; bb < b; bb++)
        {
            for (var tt = 0; tt < t; tt++)
            {
                for (var h = 0; h < nh; h++)
                {
                    var q = (((bb * t) + tt) * 3 * c) + (h * hs);
                    var row = (((bb * nh) + h) * t * t) + (tt * t);
                    var max = float.NegativeInfinity;
                    for (var t2 = 0; t2 <= tt; t2++)
                    {
                        var key = (((bb * t) + t2) * 3 * c) + c + (h * hs);
                        var dot = 0f;
                        for (var i = 0; i < hs; i++)
                        {
                            dot += qkv[q + i] * qkv[key + i];
                        }

                        att[row + t2] = dot * scale;
                        max = MathF.Max(max, dot * scale);
                    }

                    var sum = 0f;
                    for (var t2 = 0; t2 <= tt; t2++)
                    {
                        att[row + t2] = MathF.Exp(att[row + t2] - max);
                        sum += att[row + t2];
                    }

                    for (var t2 = 0; t2 <= tt; t2++)
                    {
                        att[row + t2] /= sum;
                        var value = (((bb * t) + t2) * 3 * c) + (2 * c) + (h * hs);
                        for (var i = 0; i < hs; i++)
                        {
                            y[(((bb * t) + tt) * c) + (h * hs) + i] += att[row + t2] * qkv[value + i];
                        }
                    }
                }
            }
        }

        return (y, att);
    }

    private static float[] AttBackward(float[] dy, float[] qkv, float[] att, int b, int t, int c, int nh)
    {
        var hs = c / nh;
        var scale = 1f / MathF.Sqrt(hs);
        var dqkv = new float[qkv.Length];
        var datt = new float[t];
        for (var bb = 0; bb < b; bb++)
        {
            for (var tt = 0; tt < t; tt++)
            {
                for (var h = 0; h < nh; h++)
                {
                    var row = (((bb * nh) + h) * t * t) + (tt * t);
                    var q = (((bb * t) + tt) * 3 * c) + (h * hs);
                    var dyo = (((bb * t) + tt) * c) + (h * hs);
                    for (var t2 = 0; t2 <= tt; t2++)
                    {
                        var value = (((bb * t) + t2) * 3 * c) + (2 * c) + (h * hs);
                        datt[t2] = 0;
                        for (var i = 0; i < hs; i++)
                        {
                            datt[t2] += qkv[value + i] * dy[dyo + i];
                            dqkv[value + i] += att[row + t2] * dy[dyo + i];
                        }
                    }

                    for (var t2 = 0; t2 <= tt; t2++)
                    {
                        var dpre = 0f;
                        for (var t3 = 0; t3 <= tt; t3++)
                        {
                            dpre += att[row + t3] * ((t2 == t3 ? 1f : 0f) - att[row + t2]) * datt[t3];
                        }

                        var key = (((bb * t) + t2) * 3 * c) + c + (h * hs);
                        for (var i = 0; i < hs; i++)
                        {
                            dqkv[q + i] += qkv[key + i] * dpre * scale;
                            dqkv[key + i] += qkv[q + i] * dpre * scale;
                        }
                    }
                }
            }
        }

        return dqkv;
    }
}
