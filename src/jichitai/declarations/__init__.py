"""市民税・県民税申告: online declarations and their automated review."""
