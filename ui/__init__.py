"""The page's Streamlit edge: state (widgets ⇄ Scene), caches, the sidebar, the views component and one module per tab
(ui/tabs). Only app.py and this package call ``st.``."""
