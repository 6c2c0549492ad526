"""What is computed from a Scene, with neither Streamlit nor Plotly: the runs' paths and metrics (compute), the
optimizers' internals, basin and sweep maps (maps), a real model's planes (slices) and the lessons with their
checks (lessons)."""
