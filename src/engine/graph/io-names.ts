// Names of the graphs' inputs and outputs, shared by the graph builder and the runner.

export const HIDDEN_STATES = 'hidden_states';
export const HIDDEN_STATES_OUT = 'hidden_states_out';
export const INPUT_IDS = 'input_ids';
export const LOGITS = 'logits';
/** First position whose logits the head computes (generation asks only for the last one). */
export const LOGITS_START = 'logits_start';
/** GroupQueryAttention's inputs: total length - 1 per batch row, and the total length. */
export const SEQLENS_K = 'seqlens_k';
export const TOTAL_SEQUENCE_LENGTH = 'total_sequence_length';
/** The plain-op attention's inputs: absolute positions and the additive causal mask. */
export const POSITION_IDS = 'position_ids';
export const ATTENTION_BIAS = 'attention_bias';

export const pastKey = (layer: number) => `past_key_values.${layer}.key`;
export const pastValue = (layer: number) => `past_key_values.${layer}.value`;
export const presentKey = (layer: number) => `present.${layer}.key`;
export const presentValue = (layer: number) => `present.${layer}.value`;
