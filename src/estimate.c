/*
 * estimate.c - the memory and time model. See estimate.h; every constant
 * used here is a field of est_params (rules/catalog/estimator.yaml), and
 * every per-tensor byte count below says which tensor it is.
 */
#include "estimate.h"
#include "expr.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)

const optimizer_profile *est_find_optimizer(const est_params *p, const char *name)
{
    if (!name)
        name = "adamw_torch";
    for (size_t i = 0; i < p->noptimizers; i++)
        if (regex_match(p->optimizers[i].match, name, strlen(name), NULL, NULL) == 1)
            return &p->optimizers[i];
    return NULL;
}

void est_job_resolve(const est_params *p, est_job *j)
{
    j->optimizer_profile = est_find_optimizer(p, j->optimizer);
    j->optimizer_profile_for = j->optimizer;
}

const runtime_profile *est_find_runtime(const est_params *p, const char *name)
{
    const runtime_profile *fallback = NULL;
    for (size_t i = 0; i < p->nruntimes; i++) {
        if (name && strcmp(p->runtimes[i].name, name) == 0)
            return &p->runtimes[i];
        if (strcmp(p->runtimes[i].name, "default") == 0)
            fallback = &p->runtimes[i];
    }
    return fallback ? fallback : (p->nruntimes ? &p->runtimes[0] : NULL);
}

unsigned est_target_bits(const char *name, bool gated)
{
    char low[96];
    size_t n = 0;
    /* the last dotted component: model.layers.0.self_attn.q_proj -> q_proj */
    const char *dot = strrchr(name, '.');
    const char *s = dot ? dot + 1 : name;
    for (; *s && n + 1 < sizeof low; s++)
        low[n++] = (char)tolower((unsigned char)*s);
    low[n] = '\0';
    static const struct {
        const char *name;
        unsigned bits;
    } table[] = {
        {"all-linear", TGT_ALL_LINEAR}, {"all_linear", TGT_ALL_LINEAR}, {"all", TGT_ALL_LINEAR},
        {"q_proj", TGT_Q}, {"q", TGT_Q}, {"query", TGT_Q}, {"wq", TGT_Q}, {"q_a_proj", TGT_Q},
        {"q_b_proj", TGT_Q}, {"k_proj", TGT_K}, {"k", TGT_K}, {"key", TGT_K}, {"wk", TGT_K},
        {"v_proj", TGT_V}, {"v", TGT_V}, {"value", TGT_V}, {"wv", TGT_V},
        {"kv_a_proj_with_mqa", TGT_K | TGT_V}, {"kv_b_proj", TGT_K | TGT_V},
        {"o_proj", TGT_O}, {"o", TGT_O}, {"out_proj", TGT_O}, {"dense", TGT_O}, {"wo", TGT_O},
        {"output_proj", TGT_O}, {"attn_out", TGT_O},
        {"c_attn", TGT_Q | TGT_K | TGT_V}, {"qkv_proj", TGT_Q | TGT_K | TGT_V},
        {"query_key_value", TGT_Q | TGT_K | TGT_V}, {"wqkv", TGT_Q | TGT_K | TGT_V},
        {"qkv", TGT_Q | TGT_K | TGT_V}, {"in_proj", TGT_Q | TGT_K | TGT_V},
        {"c_proj", TGT_O | TGT_DOWN}, {"gate_proj", TGT_GATE}, {"gate", TGT_GATE},
        {"w1", TGT_GATE}, {"fc_1", TGT_GATE}, {"up_proj", TGT_UP}, {"up", TGT_UP}, {"w3", TGT_UP},
        {"fc_2", TGT_UP}, {"c_fc", TGT_UP}, {"fc1", TGT_UP}, {"fc_in", TGT_UP},
        {"dense_h_to_4h", TGT_UP}, {"down_proj", TGT_DOWN}, {"down", TGT_DOWN}, {"w2", TGT_DOWN},
        {"fc2", TGT_DOWN}, {"fc_out", TGT_DOWN}, {"dense_4h_to_h", TGT_DOWN}, {"proj", TGT_DOWN},
        {"lm_head", TGT_HEAD}, {"output", TGT_HEAD}, {"head", TGT_HEAD},
        {"embed_tokens", TGT_EMBED}, {"wte", TGT_EMBED}, {"embed", TGT_EMBED},
        {"embedding", TGT_EMBED}, {"tok_embeddings", TGT_EMBED},
    };
    if (strcmp(low, "mlp") == 0)
        return gated ? (TGT_GATE | TGT_UP | TGT_DOWN) : (TGT_UP | TGT_DOWN);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(low, table[i].name) == 0)
            return table[i].bits;
    return 0;
}

/* ---- shapes ------------------------------------------------------------ */

typedef struct shape {
    double h, L, V, heads, kv, hd, qd, kvd, i, E, k, ei, shared, dense_layers, moe_layers;
    double mats;      /* 3 for gated MLPs, 2 for plain */
    double attn_lin;  /* attention weights per layer */
    double mlp_lin;   /* MLP weights per layer (average over dense and MoE layers) */
    double mlp_i_act; /* MLP width a token passes through (active experts) */
    double kv_cache_width; /* values cached per token per attention layer */
    double attn_layers;
    double dropout;   /* training-time dropout of the architecture */
    bool softcap;     /* attention and final-logit soft-capping */
} shape;

static void make_shape(const model_info *m, shape *s)
{
    memset(s, 0, sizeof *s);
    s->h = m->hidden;
    s->L = m->layers + m->decoder_layers;
    s->V = m->vocab;
    s->heads = m->heads > 0 ? m->heads : 1;
    s->kv = m->kv_heads > 0 ? m->kv_heads : s->heads;
    s->hd = model_head_dim(m);
    if (s->hd <= 0)
        s->hd = s->h / s->heads;
    s->qd = s->heads * s->hd;
    s->kvd = s->kv * s->hd;
    s->i = m->intermediate > 0 ? m->intermediate : 4 * s->h;
    s->mats = m->gated ? 3 : 2;
    s->E = m->experts;
    s->k = m->experts_per_token > 0 ? m->experts_per_token : 1;
    s->ei = m->moe_intermediate > 0 ? m->moe_intermediate : s->i;
    s->shared = m->shared_experts;
    s->dense_layers = s->E > 0 ? m->dense_layers : s->L;
    s->moe_layers = s->L - s->dense_layers;
    s->attn_lin = s->h * s->qd * 2 + s->h * s->kvd * 2;
    double dense = s->mats * s->h * s->i;
    double moe = s->E * s->mats * s->h * s->ei + s->shared * s->mats * s->h * s->ei;
    s->mlp_lin = s->L > 0 ? (s->dense_layers * dense + s->moe_layers * moe) / s->L : 0;
    double act_moe = (s->k + s->shared) * s->ei;
    s->mlp_i_act = s->L > 0 ? (s->dense_layers * s->i + s->moe_layers * act_moe) / s->L : s->i;
    s->attn_layers = m->attention_layers > 0 ? m->attention_layers : s->L;
    if (strcmp(m->arch, "hybrid") == 0 && m->attention_layers == 0)
        s->attn_layers = 0;
    s->kv_cache_width = m->kv_lora_rank > 0 ? m->kv_lora_rank + m->qk_rope_head_dim : 2 * s->kvd;
    s->dropout = m->dropout;
    s->softcap = m->softcapping;
}

double est_lora_params(const model_info *m, double r, unsigned t)
{
    shape s;
    make_shape(m, &s);
    double per_layer = 0;
    if (t & TGT_Q)
        per_layer += s.h + s.qd;
    if (t & TGT_K)
        per_layer += s.h + s.kvd;
    if (t & TGT_V)
        per_layer += s.h + s.kvd;
    if (t & TGT_O)
        per_layer += s.qd + s.h;
    double mlp_modules = ((t & TGT_GATE) && s.mats == 3 ? 1 : 0) + ((t & TGT_UP) ? 1 : 0) +
                         ((t & TGT_DOWN) ? 1 : 0);
    double dense_mlp = mlp_modules * (s.h + s.i);
    /* adapters on every expert's linears (PEFT targets them when they are Linear) */
    double moe_mlp = mlp_modules * (s.h + s.ei) * (s.E + s.shared);
    double total = r * (s.L * per_layer + s.dense_layers * dense_mlp + s.moe_layers * moe_mlp);
    if (t & TGT_HEAD)
        total += r * (s.h + s.V);
    if (t & TGT_EMBED)
        total += r * (s.V + s.h);
    return total;
}

/* ---- the model ---------------------------------------------------------- */

typedef struct parts {
    double weights, adapters, grads, opt_states, paged_states, opt_temp;
    double act_saved, logits_saved, logits_transient, buffers;
    double trainable, adapter_params;
} parts;

static double qbytes_per_param(const est_job *j)
{
    if (j->quant_bits >= 8)
        return 1.0 + 4.0 / 4096; /* int8 + a fp32 scale per row */
    if (j->quant_bits > 0 && !j->quant_bnb)
        /* GPTQ/AWQ: packed codes plus an fp16 scale and a packed zero point per
         * group of 128 weights */
        return j->quant_bits / 8.0 + (16.0 + j->quant_bits) / 8 / 128;
    if (j->quant_bits > 0) {
        /* NF4/FP4: two codes per byte plus a block absmax per 64 weights: fp32
         * (0.5 bit/param) or, double-quantized, int8 plus an fp32 scale per 256
         * blocks (QLoRA paper, Dettmers et al. 2023) */
        double absmax = j->double_quant ? (1.0 / 64 + 4.0 / (64 * 256)) : 4.0 / 64;
        return j->quant_bits / 8.0 + absmax;
    }
    return j->weight_bytes;
}

/* Saved activation bytes per token of one transformer layer. */
static double layer_act_bytes(const shape *s, const est_job *j, const runtime_profile *rt,
                              double seq)
{
    double c = j->compute_bytes;
    bool full = j->method == M_FULL;
    /* RMSNorm (Llama-family code, with gated MLPs) keeps an fp32 copy of its
     * input for the backward pass; LayerNorm (GPT-NeoX, Falcon, Phi, GPT-2,
     * BERT: plain MLPs) keeps the input in the compute dtype; with trainable
     * norm weights also the normalized output */
    double norm = (s->mats == 3 ? 4 : c) * s->h + (full ? c * s->h : 0);
    double attn;
    if (j->attn == ATTN_EAGER)
        /* q, k, v for the two matmuls, the softmax output (heads x seq per token) */
        attn = c * (s->qd + 2 * s->kvd) + c * s->heads * seq + c * s->qd;
    else
        /* fused kernels: q, k, v, the output and an fp32 log-sum-exp per head */
        attn = c * (s->qd + 2 * s->kvd + s->qd) + 4 * s->heads;
    if (full)
        attn += c * s->qd; /* the o_proj input */
    double ia = s->mlp_i_act;
    /* gated MLP: gate output (SiLU input), SiLU output and up output;
     * plain MLP: fc1 output (GELU input) */
    double mlp = s->mats == 3 ? 3 * c * ia : c * ia;
    if (full)
        mlp += c * ia; /* the down/fc2 input, for its weight gradient */
    double extra = 0;
    if (j->method == M_QLORA && j->quant_bnb && rt && rt->kbit_saves_input)
        /* bitsandbytes' 4/8-bit matmul saves its input even for frozen weights:
         * qkv input, o input, gate/up input, down input */
        extra += c * (2 * s->h + s->qd + ia);
    if (s->dropout > 0)
        /* masks of the residual dropouts; with eager attention also the dropped
         * probabilities (BERT, GPT-2 and other pre-2023 models train with dropout) */
        extra += 2 * s->h + (j->attn == ATTN_EAGER ? (1 + c) * s->heads * seq : 0);
    if (s->softcap && j->attn != ATTN_EAGER)
        /* attention soft-capping has no fused kernel: scores, their tanh and the
         * softmax are materialised (Gemma 2) */
        extra += 3 * c * s->heads * seq;
    if (j->method == M_LORA || j->method == M_QLORA) {
        double in_b = rt && rt->adapter_fp32 ? 4 : c;
        double mask = j->lora_dropout > 0 ? 1 : 0;
        unsigned t = j->lora_targets;
        double dins = 0, qkv_in = 0;
        if (t & TGT_Q)
            qkv_in += s->h;
        if (t & TGT_K)
            qkv_in += s->h;
        if (t & TGT_V)
            qkv_in += s->h;
        if (rt && rt->adapter_shared_input && qkv_in > 0)
            qkv_in = s->h; /* one dropout/cast for the fused qkv projection */
        dins += qkv_in;
        if (t & TGT_O)
            dins += s->qd;
        if ((t & TGT_GATE) && s->mats == 3)
            dins += s->h;
        if (t & TGT_UP)
            dins += s->h;
        if (t & TGT_DOWN)
            dins += ia;
        extra += dins * (in_b + mask);
        if (j->dora) {
            /* DoRA rescales the base output of each adapted module */
            double dout = ((t & TGT_Q) ? s->qd : 0) + ((t & TGT_K) ? s->kvd : 0) +
                          ((t & TGT_V) ? s->kvd : 0) + ((t & TGT_O) ? s->h : 0) +
                          ((t & TGT_GATE) && s->mats == 3 ? ia : 0) + ((t & TGT_UP) ? ia : 0) +
                          ((t & TGT_DOWN) ? s->h : 0);
            extra += c * dout;
        }
    }
    return 2 * norm + attn + mlp + extra;
}

static void compute_parts(const est_params *p, const model_info *m, const est_job *j,
                          const runtime_profile *rt, const optimizer_profile *op, parts *o)
{
    memset(o, 0, sizeof *o);
    shape s;
    make_shape(m, &s);
    double P = m->params;
    double N = j->gpus > 1 ? j->gpus : 1;
    double c = j->compute_bytes;
    double zero = j->zero_stage;
    bool shard_params = (zero >= 3 || j->fsdp) && N > 1;
    bool shard_grads = (zero >= 2 || j->fsdp) && N > 1;
    bool shard_opt = (zero >= 1 || j->fsdp) && N > 1;

    /* ---- weights */
    double linear = fmin(P - m->extra_params, s.L * s.attn_lin + s.L * s.mlp_lin);
    if (linear < 0)
        linear = 0;
    double other = P - linear;
    if (j->method == M_QLORA || (j->method == M_INFERENCE && j->quant_bits > 0)) {
        /* PEFT's prepare_model_for_kbit_training skips GPTQ/AWQ/HQQ models */
        double nonq = rt && rt->kbit_upcast && j->method == M_QLORA && j->quant_bnb ? 4 : c;
        o->weights = linear * qbytes_per_param(j) + other * nonq;
    } else if (j->method == M_FULL && j->deepspeed) {
        o->weights = P * c; /* DeepSpeed keeps half-precision params; fp32 master in the optimizer */
    } else {
        o->weights = P * j->weight_bytes;
    }
    if (shard_params) {
        double full = o->weights;
        o->weights /= N; /* ZeRO-3 and FSDP shard frozen weights too */
        if (j->fsdp && rt && rt->fsdp_gathers_all)
            o->weights += full; /* the gathered copy stays alive through the step */
    }
    if (j->offload_param && zero >= 3)
        o->weights = 0;
    if (j->preference && j->method == M_FULL)
        o->weights += P * c; /* the frozen reference model */

    if (j->method == M_INFERENCE) {
        double kvb = (j->kv_bits > 0 ? j->kv_bits : 16) / 8;
        double ctx = j->context > 0 ? j->context : j->seq_len;
        o->act_saved = s.attn_layers * s.kv_cache_width * kvb * ctx * j->micro_batch;
        /* prefill workspace of one layer and the last position's logits */
        o->logits_transient = j->micro_batch * ctx * c * (2 * s.h + 2 * s.mlp_i_act) +
                              j->micro_batch * s.V * 4;
        return;
    }

    /* ---- trainable parameters, gradients, optimizer */
    double train_bytes; /* dtype of the trainable parameters */
    if (j->method == M_FULL) {
        o->trainable = P - m->extra_params;
        train_bytes = j->deepspeed ? c : j->weight_bytes;
    } else if (j->method == M_FREEZE) {
        double layers = j->trainable_layers > 0 ? j->trainable_layers : 2;
        o->trainable = (P - other) * fmin(1.0, layers / (s.L > 0 ? s.L : 1));
        train_bytes = j->weight_bytes;
    } else {
        o->adapter_params = est_lora_params(m, j->lora_r, j->lora_targets);
        if (j->dora)
            o->adapter_params += s.L * (s.qd + 2 * s.kvd + s.h + 3 * s.i) * 0.3; /* magnitudes */
        double adapter_b = rt && rt->adapter_fp32 ? 4 : c;
        o->adapters = o->adapter_params * adapter_b;
        o->trainable = o->adapter_params;
        train_bytes = adapter_b;
        /* modules trained in full next to the adapters (modules_to_save copies) */
        double full_extra = 0;
        if (j->lora_full_train & TGT_EMBED)
            full_extra += s.V * s.h;
        if (j->lora_full_train & TGT_HEAD)
            full_extra += s.V * s.h;
        if (full_extra > 0) {
            o->adapters += full_extra * c;
            o->trainable += full_extra;
        }
    }
    if (!op || !op->no_grads) {
        o->grads = o->trainable * train_bytes;
        if (shard_grads)
            o->grads /= N;
        if (j->optimizer_in_bwd) /* only the gradients of the layer being stepped */
            o->grads = o->grads / fmax(1, s.L);
    }
    double state_b = op ? (op->state_bytes > 0 ? op->state_bytes : train_bytes) : 4;
    double states = op ? op->states : 2;
    double opt = o->trainable * states * state_b;
    if (j->deepspeed && (j->method == M_FULL || j->method == M_FREEZE)) {
        /* DeepSpeed keeps an fp32 master copy and fp32 gradient partitions next to
         * the optimizer's states (fp32 for its own Adam; a client optimizer's,
         * e.g. an 8-bit one, in their own precision) */
        double sb = op && op->state_bytes > 0 ? op->state_bytes : 4;
        opt = o->trainable * (4 + states * sb + 4);
    }
    if (shard_opt)
        opt /= N;
    if (j->offload_optimizer || j->fsdp_offload)
        opt = 0;
    if (op && op->paged && !j->deepspeed) /* under DeepSpeed the states are its own */
        o->paged_states = opt;
    else
        o->opt_states = opt;
    if (rt && rt->foreach_optimizer && op && !op->fused && !op->paged && opt > 0)
        o->opt_temp = (o->trainable / (shard_opt ? N : 1)) * state_b;

    /* ---- activations */
    double tokens = j->micro_batch * j->seq_len * (j->preference ? 2 : 1);
    double layer = layer_act_bytes(&s, j, rt, j->seq_len);
    double per_token;
    /* what stays on the GPU per layer: the checkpointed input with activation
     * checkpointing, else everything the layer saves; offloading keeps two
     * layers' worth resident (the one computing and the one in transfer) */
    double kept = j->grad_ckpt ? c * s.h : layer;
    double resident_layers = j->act_offload ? fmin(2, s.L) : s.L;
    per_token = resident_layers * kept + (j->grad_ckpt ? layer : 0);
    per_token += 4 * s.h; /* final norm */
    o->act_saved = tokens * per_token * p->activation_scale;

    /* ---- logits and loss */
    if (j->loss_chunked) {
        double chunk = fmin(tokens, 1024);
        o->logits_saved = chunk * s.V * 4;
    } else {
        double loss_b = rt && rt->loss_upcast ? 4 : c;
        o->logits_saved = tokens * s.V * (c + loss_b + (s.softcap ? 2 * c : 0));
        o->logits_transient = tokens * s.V * p->logits_transient;
    }

    /* ---- buffers */
    if (j->method == M_QLORA) {
        /* the dequantized weight of the largest matrix, and bitsandbytes state */
        o->buffers += 2 * c * s.h * fmax(s.i, s.qd);
        /* the quant_state of a sharded weight lives with its shard (FSDP-QLoRA) */
        if (j->quant_bnb && rt && rt->kbit_saves_input)
            o->buffers += linear * p->qlora_runtime_bytes / (shard_params ? N : 1);
    }
    if (j->deepspeed && zero >= 1 && zero <= 2)
        o->buffers += 2 * p->deepspeed_bucket_elems * c; /* reduce and all-gather buckets */
    if (shard_params)
        o->buffers += 2 * c * (s.attn_lin + s.mlp_lin); /* layers gathered for compute */
}

static void finish(const est_params *p, const est_job *j, const parts *o, const gpu_info *gpu,
                   estimate *e)
{
    double accum_grads = j->grad_accum > 1 ? o->grads : 0;
    double forward = o->weights + o->adapters + o->opt_states + o->act_saved + o->logits_saved +
                     o->logits_transient + accum_grads + o->buffers;
    double step = o->weights + o->adapters + o->opt_states + o->grads + o->opt_temp + o->buffers;
    e->weights = o->weights;
    e->adapters = o->adapters;
    e->gradients = o->grads;
    e->optimizer = o->opt_states + o->paged_states;
    e->activations = o->act_saved;
    e->logits = o->logits_saved + o->logits_transient;
    e->buffers = o->buffers + o->opt_temp;
    e->allocated = fmax(forward, step);
    e->peak_phase = forward >= step ? "forward" : "step";
    e->reserved = e->allocated * (1 + p->fragmentation);
    e->overhead = p->context_bytes + (e->reserved - e->allocated);
    e->device = e->reserved + p->context_bytes;
    e->trainable_params = o->trainable;
    e->adapter_params = o->adapter_params;
    e->capacity = gpu ? gpu_memory_bytes(gpu) : 0;
    /* paged optimizer state lives in unified memory: resident while it fits */
    if (o->paged_states > 0) {
        double room = e->capacity > 0 ? fmax(0, e->capacity - e->device) : o->paged_states;
        e->device += fmin(o->paged_states, room);
    }
    e->peak = e->device;
    est_breakdown *b = &e->at_peak;
    b->weights = o->weights;
    b->adapters = o->adapters;
    b->optimizer = o->opt_states + (e->device - e->reserved - p->context_bytes);
    b->buffers = o->buffers;
    if (forward >= step) {
        b->activations = o->act_saved;
        b->logits = o->logits_saved + o->logits_transient;
        b->gradients = accum_grads;
    } else {
        b->gradients = o->grads;
        b->buffers += o->opt_temp;
    }
    b->overhead = e->overhead;
    if (gpu) {
        if (e->peak > e->capacity)
            e->verdict = "does_not_fit";
        else if (e->peak > e->capacity * (1 - p->tight_margin))
            e->verdict = "tight";
        else
            e->verdict = "fits";
    }
}

static void compute_time(const est_params *p, const model_info *m, const est_job *j,
                         const gpu_info *gpu, estimate *e)
{
    shape s;
    make_shape(m, &s);
    double active = m->active_params > 0 ? m->active_params : m->params - m->extra_params;
    double seq = j->method == M_INFERENCE ? (j->context > 0 ? j->context : j->seq_len) : j->seq_len;
    /* forward: 2 FLOPs per weight and token, plus causal attention scores */
    double fwd = 2 * active + 2 * s.attn_layers * seq * s.qd;
    double flops;
    double eff;
    switch (j->method) {
    case M_FULL:
        flops = 3 * fwd; /* backward = 2x forward */
        eff = p->eff_full;
        break;
    case M_INFERENCE:
        flops = fwd;
        eff = p->eff_inference;
        break;
    case M_QLORA:
        flops = 2 * fwd; /* backward computes activation gradients only */
        eff = p->eff_qlora;
        break;
    default:
        flops = 2 * fwd;
        eff = p->eff_lora;
        break;
    }
    if (j->grad_ckpt && j->method != M_INFERENCE)
        flops += fwd; /* recomputed forward */
    e->flops_per_token = flops;
    e->efficiency = eff;
    if (!gpu)
        return;
    double peak = j->compute_bytes >= 4 ? gpu->fp32_tflops
                  : gpu->bf16_tflops > 0 ? gpu->bf16_tflops
                                          : gpu->fp16_tflops;
    if (peak <= 0)
        peak = gpu->fp32_tflops;
    if (gpu->tdp_w > 0 && gpu->tdp_w < 250 && strcmp(gpu->vendor, "nvidia") == 0)
        eff *= p->consumer_efficiency;
    double n = j->gpus > 1 ? j->gpus : 1;
    e->tokens_per_second = flops > 0 ? n * peak * 1e12 * eff / flops : 0;
    if (j->method == M_INFERENCE && gpu->bandwidth_gbs > 0) {
        /* decoding: each step streams the weights and the batch's KV cache */
        double bytes = e->weights + e->activations;
        double batch = j->micro_batch > 0 ? j->micro_batch : 1;
        double decode = bytes > 0 ? n * batch * gpu->bandwidth_gbs * 1e9 * p->eff_bandwidth / bytes : 0;
        e->decode_tokens_per_second = fmin(decode, e->tokens_per_second);
        e->prefill_tokens_per_second = e->tokens_per_second;
        e->tokens_per_second = e->decode_tokens_per_second;
    }
}

void est_compute(const est_params *p, const model_info *m, const est_job *j, const gpu_info *gpu,
                 estimate *out)
{
    memset(out, 0, sizeof *out);
    const runtime_profile *rt = est_find_runtime(p, j->runtime);
    const optimizer_profile *op = j->optimizer_profile && j->optimizer_profile_for == j->optimizer
                                      ? j->optimizer_profile
                                      : est_find_optimizer(p, j->optimizer);
    parts o;
    compute_parts(p, m, j, rt, op, &o);
    finish(p, j, &o, gpu, out);
    out->tokens_per_step = j->micro_batch * j->seq_len;
    out->opt = op;
    out->rt = rt;
    compute_time(p, m, j, gpu, out);
}

static bool fits_with(const est_params *p, const model_info *m, const est_job *j,
                      const gpu_info *gpu)
{
    estimate e;
    est_compute(p, m, j, gpu, &e);
    return e.verdict && strcmp(e.verdict, "fits") == 0;
}

double est_max_micro_batch(const est_params *p, const model_info *m, const est_job *j,
                           const gpu_info *gpu)
{
    if (!gpu)
        return 0;
    est_job t = *j;
    est_job_resolve(p, &t);
    t.micro_batch = 1;
    if (!fits_with(p, m, &t, gpu))
        return 0;
    double lo = 1, hi = 2;
    for (;;) {
        t.micro_batch = hi;
        if (!fits_with(p, m, &t, gpu) || hi >= 65536)
            break;
        lo = hi;
        hi *= 2;
    }
    while (hi - lo > 1) {
        double mid = floor((lo + hi) / 2);
        t.micro_batch = mid;
        if (fits_with(p, m, &t, gpu))
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double est_max_seq_len(const est_params *p, const model_info *m, const est_job *j,
                       const gpu_info *gpu)
{
    if (!gpu)
        return 0;
    est_job t = *j;
    est_job_resolve(p, &t);
    t.seq_len = 128;
    if (!fits_with(p, m, &t, gpu))
        return 0;
    double lo = 128, hi = 256;
    double cap = m->max_position > 0 ? fmax(m->max_position, 131072) : 1048576;
    for (;;) {
        t.seq_len = hi;
        if (!fits_with(p, m, &t, gpu) || hi >= cap)
            break;
        lo = hi;
        hi *= 2;
    }
    /* to a multiple of 128 tokens */
    while (hi - lo > 128) {
        double mid = floor((lo + hi) / 2 / 128) * 128;
        if (mid <= lo)
            break;
        t.seq_len = mid;
        if (fits_with(p, m, &t, gpu))
            lo = mid;
        else
            hi = mid;
    }
    (void)GIB;
    return lo;
}

void est_plan_time(const estimate *e, const est_job *j, double tokens_per_sample, double samples,
                   double epochs, double max_steps, double price_per_hour, est_plan *out)
{
    memset(out, 0, sizeof *out);
    out->tokens_per_second = e->tokens_per_second;
    if (e->tokens_per_second <= 0)
        return;
    double gpus = j->gpus > 1 ? j->gpus : 1;
    double accum = j->grad_accum > 1 ? j->grad_accum : 1;
    double micro = j->micro_batch > 0 ? j->micro_batch : 1;
    double seq = j->seq_len > 0 ? j->seq_len : 0;
    double per_sample = tokens_per_sample > 0 ? tokens_per_sample : seq;
    out->samples_per_step = micro * accum * gpus;
    /* packed batches are full sequences; unpacked ones are padded samples */
    double tokens_per_row = j->packing && seq > 0 ? seq : per_sample;
    out->tokens_per_step = out->samples_per_step * tokens_per_row;
    out->step_seconds = out->tokens_per_step / e->tokens_per_second;
    if (samples > 0) {
        double rows = j->packing && seq > 0 ? ceil(samples * per_sample / seq) : samples;
        out->steps_per_epoch = ceil(rows / out->samples_per_step);
        out->epoch_seconds = out->steps_per_epoch * out->step_seconds;
    }
    if (max_steps > 0)
        out->total_steps = max_steps;
    else if (out->steps_per_epoch > 0)
        out->total_steps = ceil(out->steps_per_epoch * (epochs > 0 ? epochs : 1));
    out->total_seconds = out->total_steps * out->step_seconds;
    out->gpu_hours = out->total_seconds / 3600 * gpus;
    if (price_per_hour > 0)
        out->cost = out->gpu_hours * price_per_hour;
}

void est_breakdown_parts(const est_breakdown *b, est_part out[EST_NPARTS])
{
    const est_part named[EST_NPARTS] = {
        {"weights", b->weights},         {"adapters", b->adapters},
        {"gradients", b->gradients},     {"optimizer state", b->optimizer},
        {"activations", b->activations}, {"logits and loss", b->logits},
        {"buffers", b->buffers},         {"allocator and CUDA context", b->overhead}};
    memcpy(out, named, sizeof named);
}
