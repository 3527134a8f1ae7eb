"""CV files for the tests, generated: PDF with fpdf2, DOCX with
python-docx, plain text in English and French."""
import io

import docx
from fpdf import FPDF

EN_CV = """Jane Doe
jane.doe@example.com | +1 555 123 4567 | linkedin.com/in/janedoe

Summary
Senior software engineer with 8 years building data platforms in Python and Go.

Experience
Acme Corp - Senior Software Engineer (2019 - Present)
- Led a team of 6 engineers to rebuild the billing pipeline, cutting costs by 30%.
- Designed a streaming ingestion service handling 2 million events per day.
Globex - Software Engineer (2015 - 2019)
- Built REST APIs in Python and PostgreSQL used by 40 internal teams.

Education
MSc Computer Science, University of Somewhere (2013 - 2015)

Skills
Python, Go, PostgreSQL, Docker, AWS, Terraform
"""

FR_CV = """Élodie Martin
elodie.martin@exemple.fr | +33 6 12 34 56 78

Profil
Cheffe de projet digital avec 6 ans d'expérience en gestion de projet agile.

Expérience professionnelle
Société Générale — Cheffe de projet (2020 - aujourd'hui)
- Piloté la refonte du site client, hausse de 25 % de la conversion.
- Géré un budget de 400 000 € et une équipe de 8 personnes.

Formation
Master Management de l'innovation, Université de Lyon (2016 - 2018)

Compétences
Gestion de projet, Scrum, Jira, Analyse de données, Anglais courant
"""


def pdf_bytes(text=EN_CV):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in text.splitlines():
        pdf.multi_cell(0, 6, line.encode("latin-1", "replace").decode("latin-1") or " ",
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def docx_bytes(text=FR_CV):
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def text_bytes(text=EN_CV):
    return text.encode("utf-8")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
