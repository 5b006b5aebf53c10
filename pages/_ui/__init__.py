"""Shared pieces of the Streamlit pages: session state, language, navigation, charts."""
