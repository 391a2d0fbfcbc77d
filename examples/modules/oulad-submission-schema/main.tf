# The OULAD submission schema as Terraform declares it. The document it
# writes is the same as examples/schemas/oulad.json (an acceptance test
# proves it), so `lakehouse-runner validate --schema s3://<bucket>/<key>`
# enforces exactly these rules.
resource "lakehouse_submission_schema" "oulad" {
  bucket         = var.bucket
  key            = var.key
  name           = "oulad"
  schema_version = "1.0.0"
  description    = "Open University Learning Analytics Dataset (OULAD) layout: six CSV tables in the original column order, keyed by module, presentation and student."

  dataset_description = {
    required_fields = ["title", "creators", "license", "data_use"]
    licenses        = ["CC-BY-4.0"]
  }

  missing_values = [""]

  tables = {
    courses = {
      file_name   = "courses.csv"
      required    = true
      description = "One row per module presentation."
      primary_key = ["code_module", "code_presentation"]
      columns = [
        {
          name           = "code_module"
          type           = "string"
          description    = "Module identification code (seven modules, AAA to GGG)."
          required       = true
          nullable       = false
          allowed_values = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"]
        },
        {
          name        = "code_presentation"
          type        = "string"
          description = "Presentation: year and start month, B = February, J = October."
          required    = true
          nullable    = false
          pattern     = "[0-9]{4}[BJ]"
        },
        {
          name        = "module_presentation_length"
          type        = "integer"
          description = "Length of the presentation."
          required    = true
          nullable    = false
          minimum     = 0
          unit        = "days"
        },
      ]
    }
    assessments = {
      file_name   = "assessments.csv"
      required    = true
      description = "Assessments of each presentation."
      primary_key = ["id_assessment"]
      columns = [
        {
          name           = "code_module"
          type           = "string"
          description    = "Module identification code (seven modules, AAA to GGG)."
          required       = true
          nullable       = false
          allowed_values = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"]
        },
        {
          name        = "code_presentation"
          type        = "string"
          description = "Presentation: year and start month, B = February, J = October."
          required    = true
          nullable    = false
          pattern     = "[0-9]{4}[BJ]"
        },
        {
          name        = "id_assessment"
          type        = "integer"
          description = "Assessment identification number."
          required    = true
          nullable    = false
          minimum     = 0
        },
        {
          name           = "assessment_type"
          type           = "string"
          description    = "Tutor Marked Assessment, Computer Marked Assessment or final exam."
          required       = true
          nullable       = false
          allowed_values = ["TMA", "CMA", "Exam"]
        },
        {
          name        = "date"
          type        = "integer"
          description = "Final submission date, counted from the start of the presentation; missing for some exams."
          required    = true
          unit        = "days"
        },
        {
          name        = "weight"
          type        = "number"
          description = "Weight of the assessment in the module mark."
          required    = true
          nullable    = false
          minimum     = 0
          maximum     = 100
          unit        = "%"
        },
      ]
    }
    vle = {
      file_name   = "vle.csv"
      required    = true
      description = "Materials in the virtual learning environment."
      primary_key = ["id_site"]
      columns = [
        {
          name        = "id_site"
          type        = "integer"
          description = "Material identification number."
          required    = true
          nullable    = false
          minimum     = 0
        },
        {
          name           = "code_module"
          type           = "string"
          description    = "Module identification code (seven modules, AAA to GGG)."
          required       = true
          nullable       = false
          allowed_values = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"]
        },
        {
          name        = "code_presentation"
          type        = "string"
          description = "Presentation: year and start month, B = February, J = October."
          required    = true
          nullable    = false
          pattern     = "[0-9]{4}[BJ]"
        },
        {
          name        = "activity_type"
          type        = "string"
          description = "Role of the material."
          required    = true
          nullable    = false
          allowed_values = [
            "dataplus",
            "dualpane",
            "externalquiz",
            "folder",
            "forumng",
            "glossary",
            "homepage",
            "htmlactivity",
            "oucollaborate",
            "oucontent",
            "ouelluminate",
            "ouwiki",
            "page",
            "questionnaire",
            "quiz",
            "repeatactivity",
            "resource",
            "sharedsubpage",
            "subpage",
            "url",
          ]
        },
        {
          name        = "week_from"
          type        = "integer"
          description = "Week from which the material is planned to be used."
          required    = true
          minimum     = 0
          unit        = "week"
        },
        {
          name        = "week_to"
          type        = "integer"
          description = "Week until which the material is planned to be used."
          required    = true
          minimum     = 0
          unit        = "week"
        },
      ]
    }
    studentInfo = {
      file_name   = "studentInfo.csv"
      required    = true
      description = "Demographics and final result of each student in each presentation."
      primary_key = ["code_module", "code_presentation", "id_student"]
      columns = [
        {
          name           = "code_module"
          type           = "string"
          description    = "Module identification code (seven modules, AAA to GGG)."
          required       = true
          nullable       = false
          allowed_values = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"]
        },
        {
          name        = "code_presentation"
          type        = "string"
          description = "Presentation: year and start month, B = February, J = October."
          required    = true
          nullable    = false
          pattern     = "[0-9]{4}[BJ]"
        },
        {
          name        = "id_student"
          type        = "integer"
          description = "Pseudonymous student number assigned by the Open University (a FERPA 'student number': keep it out of published extracts)."
          required    = true
          nullable    = false
          minimum     = 0
        },
        {
          name           = "gender"
          type           = "string"
          description    = "Gender."
          required       = true
          nullable       = false
          allowed_values = ["M", "F"]
        },
        {
          name        = "region"
          type        = "string"
          description = "Region where the student lived during the presentation."
          required    = true
          nullable    = false
          allowed_values = [
            "East Anglian Region",
            "East Midlands Region",
            "Ireland",
            "London Region",
            "North Region",
            "North Western Region",
            "Scotland",
            "South East Region",
            "South Region",
            "South West Region",
            "Wales",
            "West Midlands Region",
            "Yorkshire Region",
          ]
        },
        {
          name        = "highest_education"
          type        = "string"
          description = "Highest education level on entry."
          required    = true
          nullable    = false
          allowed_values = [
            "No Formal quals",
            "Lower Than A Level",
            "A Level or Equivalent",
            "HE Qualification",
            "Post Graduate Qualification",
          ]
        },
        {
          name        = "imd_band"
          type        = "string"
          description = "Index of Multiple Deprivation band of the place of residence. The published data writes the second band as 10-20 (no percent sign); both spellings are accepted. Blank when unknown."
          required    = true
          allowed_values = [
            "0-10%",
            "10-20",
            "10-20%",
            "20-30%",
            "30-40%",
            "40-50%",
            "50-60%",
            "60-70%",
            "70-80%",
            "80-90%",
            "90-100%",
          ]
        },
        {
          name           = "age_band"
          type           = "string"
          description    = "Age band (a quasi-identifier)."
          required       = true
          nullable       = false
          allowed_values = ["0-35", "35-55", "55<="]
        },
        {
          name        = "num_of_prev_attempts"
          type        = "integer"
          description = "Number of earlier attempts at this module."
          required    = true
          nullable    = false
          minimum     = 0
        },
        {
          name        = "studied_credits"
          type        = "integer"
          description = "Credits the student was studying at the time."
          required    = true
          nullable    = false
          minimum     = 0
          unit        = "credits"
        },
        {
          name           = "disability"
          type           = "string"
          description    = "Declared a disability (a FERPA-sensitive attribute)."
          required       = true
          nullable       = false
          allowed_values = ["Y", "N"]
        },
        {
          name           = "final_result"
          type           = "string"
          description    = "Final result in the presentation."
          required       = true
          nullable       = false
          allowed_values = ["Pass", "Fail", "Distinction", "Withdrawn"]
        },
      ]
    }
    studentRegistration = {
      file_name   = "studentRegistration.csv"
      required    = true
      description = "Registration and unregistration dates."
      primary_key = ["code_module", "code_presentation", "id_student"]
      columns = [
        {
          name           = "code_module"
          type           = "string"
          description    = "Module identification code (seven modules, AAA to GGG)."
          required       = true
          nullable       = false
          allowed_values = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"]
        },
        {
          name        = "code_presentation"
          type        = "string"
          description = "Presentation: year and start month, B = February, J = October."
          required    = true
          nullable    = false
          pattern     = "[0-9]{4}[BJ]"
        },
        {
          name        = "id_student"
          type        = "integer"
          description = "Pseudonymous student number assigned by the Open University (a FERPA 'student number': keep it out of published extracts)."
          required    = true
          nullable    = false
          minimum     = 0
        },
        {
          name        = "date_registration"
          type        = "integer"
          description = "Registration date relative to the presentation start (negative = before)."
          required    = true
          unit        = "days"
        },
        {
          name        = "date_unregistration"
          type        = "integer"
          description = "Unregistration date relative to the presentation start; blank for students who completed."
          required    = true
          unit        = "days"
        },
      ]
    }
    studentAssessment = {
      file_name   = "studentAssessment.csv"
      required    = true
      description = "Results of students in assessments."
      primary_key = ["id_assessment", "id_student"]
      columns = [
        {
          name        = "id_assessment"
          type        = "integer"
          description = "Assessment identification number."
          required    = true
          nullable    = false
          minimum     = 0
        },
        {
          name        = "id_student"
          type        = "integer"
          description = "Pseudonymous student number assigned by the Open University (a FERPA 'student number': keep it out of published extracts)."
          required    = true
          nullable    = false
          minimum     = 0
        },
        {
          name        = "date_submitted"
          type        = "integer"
          description = "Submission date relative to the presentation start."
          required    = true
          nullable    = false
          unit        = "days"
        },
        {
          name        = "is_banked"
          type        = "boolean"
          description = "1 when the result was transferred from an earlier presentation."
          required    = true
          nullable    = false
        },
        {
          name           = "score"
          type           = "number"
          description    = "Score, 0 to 100; the original release writes ? for a missing score."
          required       = true
          minimum        = 0
          maximum        = 100
          unit           = "points"
          missing_values = ["", "?"]
        },
      ]
    }
  }

  foreign_keys = [
    {
      name               = "assessment_course"
      table              = "assessments"
      columns            = ["code_module", "code_presentation"]
      references_table   = "courses"
      references_columns = ["code_module", "code_presentation"]
    },
    {
      name               = "vle_course"
      table              = "vle"
      columns            = ["code_module", "code_presentation"]
      references_table   = "courses"
      references_columns = ["code_module", "code_presentation"]
    },
    {
      name               = "student_course"
      table              = "studentInfo"
      columns            = ["code_module", "code_presentation"]
      references_table   = "courses"
      references_columns = ["code_module", "code_presentation"]
    },
    {
      name               = "registration_student"
      table              = "studentRegistration"
      columns            = ["code_module", "code_presentation", "id_student"]
      references_table   = "studentInfo"
      references_columns = ["code_module", "code_presentation", "id_student"]
    },
    {
      name               = "result_student"
      table              = "studentAssessment"
      columns            = ["id_student"]
      references_table   = "studentInfo"
      references_columns = ["id_student"]
    },
    {
      name               = "result_assessment"
      table              = "studentAssessment"
      columns            = ["id_assessment"]
      references_table   = "assessments"
      references_columns = ["id_assessment"]
    },
  ]
}
